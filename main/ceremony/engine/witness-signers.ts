// Opening a witness's signing key for one signature: their Ed25519 key file with its
// passphrase, or an EC P-256 key on their own PKCS#11 token with its PIN. Either way the
// key must be the one the script lists for the witness (by fingerprint), and everything
// secret is overwritten (and a token logged out) once the signature is made.
import { resolve } from 'node:path';
import { DomainError } from '../../../native/errors';
import type { HsmClient } from '../../hsm/hsm-client';
import { openWitnessKey, pkcs11WitnessSigner, readWitnessKeyFile, type WitnessSigner } from '../../witness';
import type { Witness } from '../script';
import type { ActionContext } from './context';
import { engineError } from './errors';

function wrongKey(witness: Witness, where: string, found: string): DomainError {
  return engineError(
    'WITNESS_KEY_WRONG',
    `${where} holds the key ${found.slice(0, 16)}…, not the key the script lists for ${witness.name} (${witness.key.fingerprint.slice(0, 16)}…).`,
    `${witness.name} presents their own key.`,
  );
}

async function withKeyFile<T>(ctx: ActionContext, witness: Witness, use: (signer: WitnessSigner) => Promise<T>): Promise<T> {
  const given = ctx.deps.inputs.witnessKey(witness.name);
  if (!given) throw engineError('WITNESS_KEY_MISSING', `No key file was given for witness ${witness.name}.`, `Add ${witness.name}'s key file and passphrase to the answers (witnesses).`);
  let signer: WitnessSigner;
  try {
    signer = await openWitnessKey(await readWitnessKeyFile(given.keyFile), given.passphrase);
  } finally {
    given.passphrase.fill(0);
  }
  try {
    if (signer.fingerprint !== witness.key.fingerprint) throw wrongKey(witness, `The key file ${given.keyFile}`, signer.fingerprint);
    return await use(signer);
  } finally {
    signer.close();
  }
}

/** The client that reaches the witness's token: a fresh one from the factory, else the ceremony's own when the module is the same. */
async function witnessClient(ctx: ActionContext, witness: Witness, module: string): Promise<{ client: HsmClient; own: boolean }> {
  if (ctx.deps.openWitnessHsm) return { client: await ctx.deps.openWitnessHsm(module), own: true };
  if (resolve(module) === resolve(ctx.deps.modulePath)) return { client: ctx.deps.hsm, own: false };
  throw engineError(
    'WITNESS_TOKEN_MODULE_UNAVAILABLE',
    `${witness.name}'s token uses the PKCS#11 module ${module}, and this runner can load only the ceremony's module ${ctx.deps.modulePath}.`,
    'Run the ceremony with a runner that opens witness tokens in their own HSM worker, or give the token through the ceremony module.',
  );
}

async function withToken<T>(ctx: ActionContext, witness: Witness, use: (signer: WitnessSigner) => Promise<T>): Promise<T> {
  const given = ctx.deps.inputs.witnessToken?.(witness.name) ?? null;
  if (!given) throw engineError('WITNESS_TOKEN_MISSING', `No token was given for witness ${witness.name}, who signs with a PKCS#11 token.`, `Add ${witness.name}'s token to the answers (witnesses.${witness.name}.pkcs11).`);
  const pin = given.pin;
  let opened: { client: HsmClient; own: boolean } | null = null;
  let slotId: string | null = null;
  try {
    if (witness.key.kind === 'pkcs11' && witness.key.tokenLabel !== undefined && witness.key.tokenLabel !== given.tokenLabel) {
      throw engineError('WITNESS_TOKEN_WRONG', `The script lists the token "${witness.key.tokenLabel}" for ${witness.name}, but the answers give "${given.tokenLabel}".`, `${witness.name} presents the token the script lists.`);
    }
    opened = await witnessClient(ctx, witness, given.module);
    const tokens = (await opened.client.listTokens()).filter((t) => t.tokenPresent && t.token?.label === given.tokenLabel);
    if (tokens.length !== 1) {
      throw engineError(
        tokens.length === 0 ? 'WITNESS_TOKEN_NOT_PRESENT' : 'WITNESS_TOKEN_AMBIGUOUS',
        tokens.length === 0 ? `${witness.name}'s token "${given.tokenLabel}" is not present.` : `${tokens.length} tokens are labelled "${given.tokenLabel}".`,
        `Connect ${witness.name}'s own token (only one with that label), then retry.`,
      );
    }
    const token = tokens[0]!;
    // The same token shows the same label and serial through any worker; an absent ceremony token cannot be this one.
    const { label, slotSerial } = ctx.script.token;
    const ceremony = (await ctx.deps.hsm.listTokens()).find((t) => t.token?.label === label && (slotSerial === undefined || t.token.serial === slotSerial));
    if (ceremony?.token && token.token?.label === ceremony.token.label && token.token.serial === ceremony.token.serial) {
      throw engineError('WITNESS_TOKEN_IS_CEREMONY_TOKEN', `${witness.name}'s token "${given.tokenLabel}" is the ceremony's own token.`, 'A witness signs with a key on their own token, never with the ceremony HSM.');
    }
    slotId = token.slotId;
    try {
      await opened.client.login(slotId, 'user', pin);
    } catch (error) {
      // Already logged in (by this witness, in this worker) is the wanted state; any refusal is reported, never retried.
      if (!(DomainError.is(error) && error.code === 'ALREADY_LOGGED_IN')) throw error;
    }
    const signer = await pkcs11WitnessSigner({ client: opened.client, slotId, keyLabel: given.keyLabel, name: witness.name });
    try {
      if (signer.fingerprint !== witness.key.fingerprint) throw wrongKey(witness, `The key "${given.keyLabel}" on the token "${given.tokenLabel}"`, signer.fingerprint);
      return await use(signer);
    } finally {
      signer.close();
    }
  } finally {
    pin.fill(0);
    if (opened && slotId !== null) await opened.client.logout(slotId).catch(() => undefined);
    if (opened?.own) await opened.client.close().catch(() => undefined);
  }
}

/** Runs `use` with the witness's signer, opened as the script says they sign (key file or token). */
export function withWitnessSigner<T>(ctx: ActionContext, witness: Witness, use: (signer: WitnessSigner) => Promise<T>): Promise<T> {
  return witness.key.kind === 'pkcs11' ? withToken(ctx, witness, use) : withKeyFile(ctx, witness, use);
}
