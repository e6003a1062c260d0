// Shared material for the transcript tests: keys made with node:crypto, entry data for
// every type, a stepping clock, a complete sealed ceremony written through the real
// writer, and line surgery for the tampering tests.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { fingerprintOf } from '../../../main/quorum/fingerprint';
import type { Actor, EntryData, EntryType } from '../../../main/transcript/data-schemas';
import { hashLine } from '../../../main/transcript/line';
import { signaturePayload } from '../../../main/transcript/signature-payload';
import { openTranscript, type AppendedEntry, type OpenTranscriptOptions, type TranscriptWriter } from '../../../main/transcript/writer';
import { readyTokenFlags } from '../../helpers/token-flags';

export const CEREMONY_ID = 'root-2025-test';
export const ALICE: Actor = { role: 'administrator', name: 'Alice' };
export const BOB: Actor = { role: 'custodian', name: 'Bob' };
export const ERIN: Actor = { role: 'custodian', name: 'Erin' };
export const CAROL: Actor = { role: 'witness', name: 'Carol' };
export const SYSTEM: Actor = { role: 'system', name: 'Conclave' };

export function tempDir(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A clock that moves one second per reading, from a fixed start. */
export function steppingClock(start = '2025-01-31T12:00:00.000Z', stepMs = 1000): () => Date {
  let time = Date.parse(start);
  return () => {
    const now = new Date(time);
    time += stepMs;
    return now;
  };
}

export interface Signer {
  kind: 'ceremony-key' | 'witness';
  name: string;
  algorithm: 'ecdsa-p256-sha256' | 'ed25519';
  privateKey: KeyObject;
  spki: Uint8Array;
  fingerprint: string;
}

export function spkiOf(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
}

export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

export function ecdsaSigner(name = 'ceremony-signing-2025'): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = spkiOf(publicKey);
  return { kind: 'ceremony-key', name, algorithm: 'ecdsa-p256-sha256', privateKey, spki, fingerprint: sha256Hex(spki) };
}

export function ed25519Witness(name = 'Carol'): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = spkiOf(publicKey);
  return { kind: 'witness', name, algorithm: 'ed25519', privateKey, spki, fingerprint: sha256Hex(spki) };
}

export function signPayload(signer: Signer, payload: Uint8Array): Uint8Array {
  return new Uint8Array(signer.algorithm === 'ed25519' ? sign(null, payload, signer.privateKey) : sign('sha256', payload, { key: signer.privateKey, dsaEncoding: 'der' }));
}

const SCRIPT_TEXT = 'name: Root key generation (test)\nsteps:\n  - id: quorum-setup\n  - id: generate-ceremony-key\n';

export function openedData(witnesses: Array<{ name: string; fingerprint: string }>, extra: Partial<EntryData<'ceremony-opened'>> = {}): EntryData<'ceremony-opened'> {
  return {
    script: { name: 'Root key generation (test)', format: 'yaml', sha256: sha256Hex(SCRIPT_TEXT), text: SCRIPT_TEXT },
    tool: { name: 'conclave', version: '0.1.0' },
    rehearsal: true,
    previousCeremonyFinalHash: null,
    participants: [
      { role: 'administrator', name: 'Alice' },
      { role: 'custodian', name: 'Bob' },
      { role: 'custodian', name: 'Erin' },
      ...witnesses.map((w) => ({ role: 'witness' as const, name: w.name, keyFingerprint: w.fingerprint })),
    ],
    ...extra,
  };
}

export function keyGeneratedData(spki: Uint8Array, purpose = 'ceremony-signing'): EntryData<'key-generated'> {
  const fp = fingerprintOf(spki);
  return {
    purpose,
    label: 'ceremony-signing-2025',
    id: '00112233445566778899aabbccddeeff',
    algorithm: 'ec-p256',
    hsmRole: 'sign',
    adopted: false,
    publicKeySpki: Buffer.from(spki).toString('base64'),
    fingerprint: { hex: fp.hex, words: fp.words },
    attributes: { sensitive: true, extractable: false, sign: true, curve: 'ec-p256' },
  };
}

/** Who signs: a Signer, or only its public identity when the signature is made elsewhere (in the HSM). */
export type SignerIdentity = Omit<Signer, 'privateKey'> & { privateKey?: KeyObject };

/** The data of a signature entry by `signer` over `target` (a checkpoint or seal); `signature` when it was made elsewhere. */
export function signatureData(signer: SignerIdentity, target: { entry: { seq: number; ceremonyId: string }; hash: string }, signature?: Uint8Array): EntryData<'signature'> {
  const payload = signaturePayload(target.entry.ceremonyId, target.entry.seq, target.hash);
  if (!signature && !signer.privateKey) throw new Error('signatureData: no signature and no private key to make one');
  signature ??= signPayload({ ...signer, privateKey: signer.privateKey! }, payload);
  return {
    signs: target.entry.seq,
    entryHash: target.hash,
    signer: { kind: signer.kind, name: signer.name, keyFingerprint: signer.fingerprint },
    algorithm: signer.algorithm,
    publicKeySpki: Buffer.from(signer.spki).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  };
}

export function actorFor(signer: SignerIdentity): Actor {
  return signer.kind === 'witness' ? { role: 'witness', name: signer.name } : SYSTEM;
}

export interface CeremonyOptions {
  ceremonyKey: Signer;
  /** Witnesses listed in ceremony-opened (name and fingerprint). */
  listed: Array<{ name: string; fingerprint: string }>;
  /** Who actually signs the checkpoint and the seal as witnesses. */
  witnessSigners: Signer[];
  /** Leave out the ceremony key's signature over the checkpoint. */
  skipCheckpointCeremonySignature?: boolean;
  seal?: boolean;
  writer?: Partial<OpenTranscriptOptions>;
}

/** Data for every entry type the ceremony below writes, in order (seq 0..). */
export async function writeCeremony(path: string, options: CeremonyOptions): Promise<{ writer: TranscriptWriter; appended: AppendedEntry[] }> {
  const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true, now: steppingClock(), ...options.writer });
  const appended: AppendedEntry[] = [];
  const add = async <T extends EntryType>(type: T, actor: Actor, data: EntryData<T>) => {
    const result = await writer.append(type, actor, data);
    appended.push(result as AppendedEntry);
    return result;
  };
  const cover = () => ({ upTo: writer.head!.seq, hash: writer.head!.hash });

  await add('ceremony-opened', ALICE, openedData(options.listed));
  await add('room-checked', SYSTEM, { rehearsal: true, ready: true, checks: [{ id: 'air-gap', title: 'Air gap', status: 'pass', reason: 'No active network interface.' }] });
  await add('clock-confirmed', ALICE, { systemTime: '2025-01-31T12:00:01.500Z', timeZone: 'UTC', utcOffsetMinutes: 0 });
  await add('token-facts', SYSTEM, tokenFactsData());
  await add('step-started', SYSTEM, { step: 'quorum-setup', index: 1, title: 'Quorum setup' });
  await add('step-acknowledged', BOB, { step: 'quorum-setup', role: 'custodian', name: 'Bob' });
  await add('quorum-established', SYSTEM, {
    purpose: 'setup',
    policyId: 'a'.repeat(64),
    policySummary: '2 of 2',
    custodians: [
      { name: 'Bob', group: null },
      { name: 'Erin', group: null },
    ],
    recordSha256: 'b'.repeat(64),
  });
  await add('step-completed', SYSTEM, { step: 'quorum-setup', result: { envelopes: 2, fingerprints: ['abcd efgh'] } });
  await add('step-started', SYSTEM, { step: 'generate-ceremony-key', index: 2, title: 'Generate the ceremony signing key' });
  await add('confirmation-typed', ALICE, { step: 'generate-ceremony-key', subject: 'generate the ceremony signing key', phrase: 'GENERATE' });
  await add('key-generated', SYSTEM, keyGeneratedData(options.ceremonyKey.spki));
  await add('step-completed', SYSTEM, { step: 'generate-ceremony-key', result: { label: 'ceremony-signing-2025' } });
  const checkpoint = await add('checkpoint', SYSTEM, cover());
  if (!options.skipCheckpointCeremonySignature) await add('signature', SYSTEM, signatureData(options.ceremonyKey, checkpoint));
  for (const w of options.witnessSigners) await add('signature', actorFor(w), signatureData(w, checkpoint));
  await add('file-written', SYSTEM, { path: 'root-public.pem', purpose: 'root public key', sha256: 'c'.repeat(64), bytes: 178 });
  if (options.seal !== false) {
    const seal = await add('seal', SYSTEM, cover());
    const signatures: number[] = [];
    signatures.push((await add('signature', SYSTEM, signatureData(options.ceremonyKey, seal))).entry.seq);
    for (const w of options.witnessSigners) signatures.push((await add('signature', actorFor(w), signatureData(w, seal))).entry.seq);
    await add('sealed', SYSTEM, { seal: seal.entry.seq, sealHash: seal.hash, signatures });
  }
  return { writer, appended };
}

export function tokenFactsData(): EntryData<'token-facts'> {
  return {
    slotId: '1234567',
    label: 'Conclave Test',
    manufacturer: 'SoftHSM project',
    model: 'SoftHSM v2',
    serial: '0123456789abcdef',
    firmwareVersion: '2.6',
    hardwareVersion: '2.6',
    flags: readyTokenFlags(),
    module: { path: '/usr/lib/softhsm/libsofthsm2.so', libraryDescription: 'Implementation of PKCS11', manufacturer: 'SoftHSM', cryptokiVersion: '2.40', libraryVersion: '2.6' },
  };
}

// ---- line surgery for tampering tests ----

export type Json = Record<string, any>;

export const parseLine = (line: string): Json => JSON.parse(line) as Json;
export const writeLine = (entry: Json): string => canonicalJson(entry);

/**
 * Re-links every line from `from` on, as a forger would after changing a line: new prev
 * hashes, and the hashes checkpoints, seals, signatures and sealed record.
 */
export function rechain(lines: string[], from: number): string[] {
  const out = [...lines];
  for (let i = Math.max(from, 1); i < out.length; i++) {
    const entry = parseLine(out[i]!);
    entry.prev = hashLine(out[i - 1]!);
    if (entry.type === 'checkpoint' || entry.type === 'seal') entry.data.hash = entry.prev;
    if (entry.type === 'signature') entry.data.entryHash = hashLine(out[entry.data.signs]!);
    if (entry.type === 'sealed') entry.data.sealHash = hashLine(out[entry.data.seal]!);
    out[i] = writeLine(entry);
  }
  return out;
}
