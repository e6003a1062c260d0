// The witnesses' inputs to a signing step, checked before anything is attempted: each is a
// witness asked to sign who has not signed, given once, with the kind of key the script
// lists for them (a key file, or their own PKCS#11 token). What can be told without a
// secret is told now, so a typing mistake never becomes a recorded exception: a key file
// holding someone else's key, a token label other than the script's, a module path that
// names no file. Then the secrets become bytes, held for the one engine call.
import { statSync } from 'node:fs';
import { DomainError } from '../../../native/errors';
import type { WitnessRequest, WitnessSignerInput } from '../../../preload/contract';
import { encodePassphrase } from '../../quorum/passphrase-policy';
import { readWitnessKeyFile } from '../../witness';
import type { HeldWitness } from './held-inputs';
import { assertAbsolute } from './open-source';

const refused = (code: string, message: string, action: string) => new DomainError({ code, message, action });

type Signer = WitnessRequest['signers'][number];

function kindProblem(w: WitnessSignerInput, signer: Signer): DomainError | null {
  const token = 'token' in w;
  if (token === (signer.keyKind === 'pkcs11')) return null;
  return token
    ? refused('WITNESS_KEY_KIND_WRONG', `The script lists a key file for ${w.name}, not a PKCS#11 token.`, `${w.name} signs with their key file and its passphrase.`)
    : refused('WITNESS_KEY_KIND_WRONG', `The script lists a key on ${w.name}'s own PKCS#11 token, not a key file.`, `${w.name} chooses "token" and gives the token's module, labels and PIN.`);
}

function assertModuleFile(path: string, who: string): void {
  assertAbsolute(path, `PKCS#11 module of ${who}'s token`);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) throw refused('MODULE_NOT_FOUND', `No PKCS#11 library at ${path} (the module given for ${who}'s token).`, "Give the path of the token's PKCS#11 library (a .so file), e.g. OpenSC's opensc-pkcs11.so.");
}

/** Checks every witness input against the request; throws the first problem. Nothing secret is read here. */
export async function checkWitnessInputs(request: WitnessRequest, witnesses: WitnessSignerInput[]): Promise<void> {
  const given = new Set<string>();
  for (const w of witnesses) {
    const signer = request.signers.find((s) => s.name === w.name);
    if (!signer) throw refused('NOT_A_SIGNING_WITNESS', `${w.name} is not a witness asked to sign at "${request.step}".`, `The witnesses asked are: ${request.signers.map((s) => s.name).join(', ')}.`);
    if (signer.signed) throw refused('WITNESS_ALREADY_SIGNED', `${w.name} has already signed at "${request.step}".`, 'Only the witnesses who have not signed sign now.');
    if (given.has(w.name)) throw refused('WITNESS_TWICE', `${w.name} is given twice.`, 'Each witness signs once.');
    const kind = kindProblem(w, signer);
    if (kind) throw kind;
    if ('token' in w) {
      assertModuleFile(w.token.module, w.name);
      if (signer.tokenLabel !== null && w.token.tokenLabel !== signer.tokenLabel) {
        throw refused('WITNESS_TOKEN_WRONG', `The script lists the token "${signer.tokenLabel}" for ${w.name}, not "${w.token.tokenLabel}".`, `${w.name} presents the token the script lists, and types its label as it is.`);
      }
    } else {
      assertAbsolute(w.keyFile, `key file of ${w.name}`);
    }
    given.add(w.name);
  }
  const missing = request.signers.filter((s) => !s.signed && !given.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw refused('WITNESSES_MISSING', `Every witness asked signs together; ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} not given a key.`, 'Each witness gives their key file and passphrase, or their token and its PIN, then sign.');
  }
  // A key file of someone else is refused before anything is attempted (it needs no passphrase to tell).
  for (const w of witnesses) {
    if ('token' in w) continue;
    const key = await readWitnessKeyFile(w.keyFile);
    const expected = request.signers.find((s) => s.name === w.name)!.keyFingerprint;
    if (key.fingerprint !== expected) {
      throw refused('WITNESS_KEY_WRONG', `The key file ${w.keyFile} holds the key ${key.fingerprint.slice(0, 16)}…, not the key the script lists for ${w.name} (${expected.slice(0, 16)}…).`, `${w.name} chooses their own key file.`);
    }
  }
}

/** The secrets as bytes, for HeldInputs (which overwrites them after the engine call). */
export function heldWitnesses(witnesses: WitnessSignerInput[]): HeldWitness[] {
  return witnesses.map((w): HeldWitness => {
    if ('token' in w) {
      const { module, tokenLabel, keyLabel, pin } = w.token;
      return { name: w.name, token: { module, tokenLabel, keyLabel, pin: new TextEncoder().encode(pin) } };
    }
    return { name: w.name, keyFile: w.keyFile, passphrase: encodePassphrase(w.passphrase) };
  });
}
