// verifySignatures: checks every signature entry of a verified chain against the keys an
// auditor trusts (the ceremony key's SPKI and the witnesses' fingerprints from the
// script), and that every checkpoint and the seal carry the signatures they must:
// the ceremony key on each, and every listed witness on the seal. Pure: node:crypto only.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ChainEntry } from './chain-verifier';
import type { EntryOf } from './entry-schema';
import { signaturePayload } from './signature-payload';

export interface WitnessKey {
  name: string;
  /** SHA-256 of the witness's SPKI DER, as hex (spaces and upper case are ignored). */
  fingerprint: string;
}

export interface SignatureTrust {
  /** DER SubjectPublicKeyInfo of the ceremony signing key (EC P-256). */
  ceremonyKeySpki: Uint8Array;
  witnesses: readonly WitnessKey[];
  /** Whether a transcript without a seal fails (true unless told otherwise). */
  requireSeal?: boolean;
}

export type SignatureFailureCode =
  | 'wrong-entry'
  | 'bad-key'
  | 'algorithm-mismatch'
  | 'unknown-key'
  | 'unlisted-witness'
  | 'bad-signature'
  | 'missing-ceremony-signature'
  | 'missing-witness-signature'
  | 'no-seal';

export interface SignatureFailure {
  code: SignatureFailureCode;
  /** The entry the failure is about: the signature entry, or the checkpoint or seal lacking one. */
  seq: number;
  line: number;
  message: string;
}

export interface VerifiedSignature {
  seq: number;
  signs: number;
  kind: 'ceremony-key' | 'witness';
  name: string;
  keyFingerprint: string;
}

export type SignatureResult =
  | { ok: true; signatures: VerifiedSignature[] }
  | { ok: false; failure: SignatureFailure; failures: SignatureFailure[]; signatures: VerifiedSignature[] };

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const normalize = (fingerprint: string) => fingerprint.replace(/\s+/g, '').toLowerCase();

/** "ab12 cd34 ef56 7890…": enough of a fingerprint to tell keys apart in a message. */
export function shortFingerprint(hex: string): string {
  return `${normalize(hex).slice(0, 16).match(/.{4}/g)!.join(' ')}…`;
}

function publicKeyOf(spki: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

function keyMatches(key: KeyObject, algorithm: EntryOf<'signature'>['data']['algorithm']): boolean {
  if (algorithm === 'ed25519') return key.asymmetricKeyType === 'ed25519';
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function signatureHolds(key: KeyObject, algorithm: EntryOf<'signature'>['data']['algorithm'], payload: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (algorithm === 'ed25519') return verify(null, payload, key, signature);
    return verify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** Verifies the signatures of `entries` (as verifyChain returned them) against the trusted keys. */
export function verifySignatures(entries: readonly ChainEntry[], trust: SignatureTrust): SignatureResult {
  const failures: SignatureFailure[] = [];
  const signatures: VerifiedSignature[] = [];
  const bySeq = new Map(entries.map((e) => [e.entry.seq, e]));
  const ceremonyKeyHex = sha256Hex(trust.ceremonyKeySpki);
  const ceremonyKeyDer = Buffer.from(trust.ceremonyKeySpki);
  /** Signature entries present per signed seq, whether they verify or not (a bad one is its own failure). */
  const present = new Map<number, Array<{ kind: string; name: string }>>();

  for (const chained of entries) {
    const { entry, line } = chained;
    if (entry.type !== 'signature') continue;
    const { signs, signer, algorithm } = entry.data;
    const who = signer.kind === 'witness' ? `witness ${signer.name}` : `the ceremony key "${signer.name}"`;
    const fail = (code: SignatureFailureCode, message: string) => failures.push({ code, seq: entry.seq, line, message: `entry ${entry.seq} (signature by ${who}): ${message}` });
    const target = bySeq.get(signs);
    if (!target || (target.entry.type !== 'checkpoint' && target.entry.type !== 'seal') || target.entry.seq >= entry.seq) {
      fail('wrong-entry', `it signs entry ${signs}, which is not an earlier checkpoint or seal`);
      continue;
    }
    present.set(signs, [...(present.get(signs) ?? []), { kind: signer.kind, name: signer.name }]);

    const spki = Buffer.from(entry.data.publicKeySpki, 'base64');
    const spkiHex = sha256Hex(spki);
    if (spkiHex !== signer.keyFingerprint) {
      fail('bad-key', `the public key in the entry hashes to ${shortFingerprint(spkiHex)}, not to the recorded fingerprint ${shortFingerprint(signer.keyFingerprint)}`);
      continue;
    }
    let owner: string;
    if (signer.kind === 'ceremony-key') {
      if (!spki.equals(ceremonyKeyDer)) {
        fail('unknown-key', `it was made with key ${shortFingerprint(spkiHex)}, not with the ceremony key ${shortFingerprint(ceremonyKeyHex)}`);
        continue;
      }
      owner = 'the ceremony key';
    } else {
      const listed = trust.witnesses.find((w) => w.name === signer.name);
      if (!listed) {
        fail('unlisted-witness', `"${signer.name}" is not a witness listed in the script (listed: ${trust.witnesses.map((w) => w.name).join(', ') || 'none'})`);
        continue;
      }
      if (normalize(listed.fingerprint) !== spkiHex) {
        fail('unknown-key', `it was made with key ${shortFingerprint(spkiHex)}, which is not ${signer.name}'s listed key ${shortFingerprint(listed.fingerprint)}`);
        continue;
      }
      owner = `${signer.name}'s key`;
    }
    const key = publicKeyOf(spki);
    if (!key) {
      fail('bad-key', 'the public key in the entry is not a valid SubjectPublicKeyInfo');
      continue;
    }
    if (!keyMatches(key, algorithm)) {
      fail('algorithm-mismatch', `the algorithm is ${algorithm}, but the key is ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''}`);
      continue;
    }
    const payload = signaturePayload(target.entry.ceremonyId, target.entry.seq, target.hash);
    if (!signatureHolds(key, algorithm, payload, Buffer.from(entry.data.signature, 'base64'))) {
      fail('bad-signature', `the signature does not verify against ${owner} ${shortFingerprint(spkiHex)} over entry ${signs} (${target.entry.type})`);
      continue;
    }
    signatures.push({ seq: entry.seq, signs, kind: signer.kind, name: signer.name, keyFingerprint: spkiHex });
  }

  let seal: ChainEntry | undefined;
  for (const chained of entries) {
    const { entry, line } = chained;
    if (entry.type !== 'checkpoint' && entry.type !== 'seal') continue;
    if (entry.type === 'seal') seal = chained;
    const signers = present.get(entry.seq) ?? [];
    if (!signers.some((s) => s.kind === 'ceremony-key')) {
      failures.push({ code: 'missing-ceremony-signature', seq: entry.seq, line, message: `entry ${entry.seq} (${entry.type}): it is not signed by the ceremony key` });
    }
    if (entry.type === 'seal') {
      for (const witness of trust.witnesses) {
        if (!signers.some((s) => s.kind === 'witness' && s.name === witness.name)) {
          failures.push({ code: 'missing-witness-signature', seq: entry.seq, line, message: `entry ${entry.seq} (seal): witness ${witness.name} did not sign the seal` });
        }
      }
    }
  }
  if (!seal && trust.requireSeal !== false) {
    const last = entries[entries.length - 1];
    failures.push({ code: 'no-seal', seq: last?.entry.seq ?? 0, line: last?.line ?? 1, message: 'the transcript has no seal: the ceremony was not finished' });
  }

  if (failures.length === 0) return { ok: true, signatures };
  const ordered = [...failures].sort((a, b) => a.seq - b.seq);
  return { ok: false, failure: ordered[0]!, failures: ordered, signatures };
}
