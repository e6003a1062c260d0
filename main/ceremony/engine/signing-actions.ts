// Signing steps: a checkpoint signed by the ceremony key in the HSM, witnesses' signatures
// over the latest checkpoint, and the seal (ceremony key and every witness), then
// `sealed`. An entry an interrupted attempt already wrote is signed, never written twice.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import { signaturePayload, type ChainEntry, type EntryOf, type JsonObject } from '../../transcript';
import type { Count, StepOf } from '../script';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { findKey, recordedKey } from './key-actions';
import { withWitnessSigner } from './witness-signers';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function ceremonyKeyLabel(ctx: ActionContext): string {
  const step = ctx.script.steps.find((s) => s.action === 'generate-ceremony-key');
  if (!step || step.action !== 'generate-ceremony-key') throw engineError('NO_CEREMONY_KEY', 'The script generates no ceremony signing key, so nothing can sign checkpoints.', 'Add a generate-ceremony-key step before the first checkpoint.');
  return step.params.label;
}

function signaturesOf(ctx: ActionContext, seq: number): Array<EntryOf<'signature'>['data']> {
  return ctx.writer.entries.filter((e) => e.entry.type === 'signature' && e.entry.data.signs === seq).map((e) => (e.entry as EntryOf<'signature'>).data);
}

async function signWithCeremonyKey(ctx: ActionContext, target: ChainEntry): Promise<void> {
  const label = ceremonyKeyLabel(ctx);
  if (signaturesOf(ctx, target.entry.seq).some((s) => s.signer.kind === 'ceremony-key')) return;
  const recorded = recordedKey(ctx, label);
  if (!recorded?.publicKeySpki) throw engineError('NO_CEREMONY_KEY', `The ceremony key "${label}" has not been recorded yet.`, 'Generate the ceremony key first.');
  const key = await findKey(ctx, label);
  if (!key || key.attributes.id !== recorded.id) throw engineError('KEY_MISSING', `The ceremony key "${label}" is not on the token.`, 'Connect the ceremony token; record an exception.');
  const payload = signaturePayload(ctx.script.ceremony.id, target.entry.seq, target.hash);
  const raw = await ctx.deps.hsm.sign({ key: key.handle, mechanism: 'ecdsa-sha256', data: payload });
  const der = ecdsaRawToDer(raw);
  const spki = Buffer.from(recorded.publicKeySpki, 'base64');
  const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (!verify('sha256', payload, { key: publicKey, dsaEncoding: 'der' }, der)) {
    throw engineError('SIGNATURE_SELF_CHECK_FAILED', `The ceremony key's signature over entry ${target.entry.seq} does not verify against its recorded public key.`, 'Record an exception; do not continue with this token.');
  }
  await ctx.writer.append('signature', ctx.system, {
    signs: target.entry.seq,
    entryHash: target.hash,
    signer: { kind: 'ceremony-key', name: label, keyFingerprint: sha256Hex(spki) },
    algorithm: 'ecdsa-p256-sha256',
    publicKeySpki: recorded.publicKeySpki,
    signature: Buffer.from(der).toString('base64'),
  });
}

function witnessesFor(ctx: ActionContext, count: Count) {
  const all = ctx.script.participants.witnesses;
  return count === 'all' ? all : all.slice(0, count);
}

async function signAsWitnesses(ctx: ActionContext, target: ChainEntry, count: Count): Promise<string[]> {
  const signed: string[] = [];
  for (const witness of witnessesFor(ctx, count)) {
    signed.push(witness.name);
    if (signaturesOf(ctx, target.entry.seq).some((s) => s.signer.kind === 'witness' && s.signer.name === witness.name)) continue;
    await withWitnessSigner(ctx, witness, async (signer) => {
      const signature = await signer.sign(signaturePayload(ctx.script.ceremony.id, target.entry.seq, target.hash));
      await ctx.writer.append('signature', { role: 'witness', name: witness.name }, {
        signs: target.entry.seq,
        entryHash: target.hash,
        signer: { kind: 'witness', name: witness.name, keyFingerprint: signer.fingerprint },
        algorithm: signer.algorithm,
        publicKeySpki: Buffer.from(signer.publicKeySpki).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
      });
    });
  }
  return signed;
}

function headEntry(ctx: ActionContext): ChainEntry {
  const last = ctx.writer.entries[ctx.writer.entries.length - 1];
  if (!last) throw engineError('TRANSCRIPT_EMPTY', 'The transcript is empty.', 'Open the ceremony first.');
  return last;
}

export async function checkpoint(ctx: ActionContext): Promise<JsonObject> {
  let target = ctx.attempt().find((e) => e.entry.type === 'checkpoint');
  if (!target) {
    const head = headEntry(ctx);
    await ctx.writer.append('checkpoint', ctx.system, { upTo: head.entry.seq, hash: head.hash });
    target = headEntry(ctx);
  }
  await signWithCeremonyKey(ctx, target);
  return { checkpoint: target.entry.seq, hash: target.hash };
}

export async function witnessSign(ctx: ActionContext, step: StepOf<'witness-sign'>): Promise<JsonObject> {
  const target = [...ctx.writer.entries].reverse().find((e) => e.entry.type === 'checkpoint');
  if (!target) throw engineError('NO_CHECKPOINT', 'There is no checkpoint for the witnesses to sign.', 'Add a checkpoint step before the witness-sign step.');
  const signed = await signAsWitnesses(ctx, target, step.params.signers);
  return { checkpoint: target.entry.seq, witnesses: signed };
}

/** The seal, its signatures and `sealed`. Nothing but signatures may follow the seal, so acknowledgements come before. */
export async function seal(ctx: ActionContext): Promise<JsonObject> {
  let target = ctx.attempt().find((e) => e.entry.type === 'seal');
  if (!target) {
    const head = headEntry(ctx);
    await ctx.writer.append('seal', ctx.system, { upTo: head.entry.seq, hash: head.hash });
    target = headEntry(ctx);
  }
  await signWithCeremonyKey(ctx, target);
  // The verifier requires every listed witness on the seal, whatever count the step names.
  const witnesses = await signAsWitnesses(ctx, target, 'all');
  const signatures = ctx.writer.entries.filter((e) => e.entry.type === 'signature' && e.entry.data.signs === target.entry.seq).map((e) => e.entry.seq);
  await ctx.writer.append('sealed', ctx.system, { seal: target.entry.seq, sealHash: target.hash, signatures });
  return { seal: target.entry.seq, sealHash: target.hash, witnesses, finalHash: headEntry(ctx).hash };
}
