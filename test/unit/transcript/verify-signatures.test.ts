// verifySignatures: bad signatures, missing ones, unlisted keys and witnesses, each named
// by the entry seq and why. Transcripts are written by the real writer with real
// ECDSA P-256 and Ed25519 keys (node:crypto).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ChainEntry } from '../../../main/transcript/chain-verifier';
import { ceremonySigningKeyOf, finalHash } from '../../../main/transcript/final-hash';
import { verifyChain } from '../../../main/transcript/verify-chain';
import { shortFingerprint, verifySignatures, type SignatureTrust } from '../../../main/transcript/verify-signatures';
import { ecdsaSigner, ed25519Witness, parseLine, rechain, tempDir, writeCeremony, writeLine, type CeremonyOptions } from './fixtures';

type Cleanup = { after(fn: () => unknown): void };

async function ceremonyLines(t: Cleanup, options: CeremonyOptions): Promise<string[]> {
  const path = join(tempDir(t), 'transcript.jsonl');
  const { writer } = await writeCeremony(path, options);
  await writer.close();
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  return lines;
}

function chainOf(lines: string[]): ChainEntry[] {
  const result = verifyChain(lines);
  assert.ok(result.ok, result.ok ? '' : result.problem.message);
  return result.entries;
}

function failureOf(entries: ChainEntry[], trust: SignatureTrust) {
  const result = verifySignatures(entries, trust);
  assert.equal(result.ok, false, 'the signatures must not verify');
  if (result.ok) throw new Error('unreachable');
  return result.failure;
}

describe('verifySignatures', () => {
  test('accepts a sealed ceremony signed by the ceremony key and the listed witness', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    const entries = chainOf(lines);
    const result = verifySignatures(entries, { ceremonyKeySpki: key.spki, witnesses: [{ name: 'Carol', fingerprint: carol.fingerprint.match(/.{4}/g)!.join(' ').toUpperCase() }] });
    assert.ok(result.ok, result.ok ? '' : result.failure.message);
    assert.deepEqual(
      result.signatures.map((s) => [s.seq, s.signs, s.kind, s.name]),
      [
        [13, 12, 'ceremony-key', key.name],
        [14, 12, 'witness', 'Carol'],
        [17, 16, 'ceremony-key', key.name],
        [18, 16, 'witness', 'Carol'],
      ],
    );
    assert.equal(finalHash(entries), entries[19]!.hash);
    assert.deepEqual(ceremonySigningKeyOf(entries), key.spki);
  });

  test('a bad signature names the signature entry, the signer and the key', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    const entry = parseLine(lines[18]!);
    const signature = Buffer.from(entry.data.signature, 'base64');
    signature[10] = signature[10]! ^ 1;
    entry.data.signature = signature.toString('base64');
    const tampered = [...lines];
    tampered[18] = writeLine(entry);
    const failure = failureOf(chainOf(rechain(tampered, 18)), { ceremonyKeySpki: key.spki, witnesses: [{ name: 'Carol', fingerprint: carol.fingerprint }] });
    assert.equal(failure.code, 'bad-signature');
    assert.equal(failure.seq, 18);
    assert.equal(
      failure.message,
      `entry 18 (signature by witness Carol): the signature does not verify against Carol's key ${shortFingerprint(carol.fingerprint)} over entry 16 (seal)`,
    );
  });

  test('a changed entry with the whole chain re-linked is caught by the next checkpoint signature', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    const entry = parseLine(lines[6]!);
    entry.data.policySummary = '1 of 2';
    const tampered = [...lines];
    tampered[6] = writeLine(entry);
    const entries = chainOf(rechain(tampered, 6));
    const result = verifySignatures(entries, { ceremonyKeySpki: key.spki, witnesses: [{ name: 'Carol', fingerprint: carol.fingerprint }] });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.failure.code, 'bad-signature');
    assert.equal(result.failure.seq, 13, 'the ceremony key signature over checkpoint 12');
    assert.match(result.failure.message, /^entry 13 \(signature by the ceremony key "ceremony-signing-2025"\): the signature does not verify against the ceremony key [0-9a-f ]+… over entry 12 \(checkpoint\)$/);
    assert.deepEqual(result.failures.map((f) => f.seq), [13, 14, 17, 18], 'every later signature fails too');
  });

  test('a missing witness signature on the seal names the seal and the witness', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const dave = ed25519Witness('Dave');
    const listed = [
      { name: 'Carol', fingerprint: carol.fingerprint },
      { name: 'Dave', fingerprint: dave.fingerprint },
    ];
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed, witnessSigners: [carol] });
    const failure = failureOf(chainOf(lines), { ceremonyKeySpki: key.spki, witnesses: listed });
    assert.equal(failure.code, 'missing-witness-signature');
    assert.equal(failure.seq, 16);
    assert.equal(failure.message, 'entry 16 (seal): witness Dave did not sign the seal');
  });

  test('a removed witness signature (sealed re-written to match) is missing', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const listed = [{ name: 'Carol', fingerprint: carol.fingerprint }];
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed, witnessSigners: [carol] });
    const sealed = parseLine(lines[19]!);
    sealed.seq = 18;
    sealed.data.signatures = [17];
    const tampered = rechain([...lines.slice(0, 18), writeLine(sealed)], 18);
    const failure = failureOf(chainOf(tampered), { ceremonyKeySpki: key.spki, witnesses: listed });
    assert.equal(failure.code, 'missing-witness-signature');
    assert.equal(failure.seq, 16);
  });

  test('a signature by a key that is not the listed witness key is refused', async (t) => {
    const key = ecdsaSigner();
    const carolReal = ed25519Witness('Carol');
    const impostor = ed25519Witness('Carol');
    // The transcript lists the impostor's key for Carol; the auditor's script lists Carol's real key.
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: impostor.fingerprint }], witnessSigners: [impostor] });
    const failure = failureOf(chainOf(lines), { ceremonyKeySpki: key.spki, witnesses: [{ name: 'Carol', fingerprint: carolReal.fingerprint }] });
    assert.equal(failure.code, 'unknown-key');
    assert.equal(failure.seq, 14);
    assert.match(failure.message, new RegExp(`^entry 14 \\(signature by witness Carol\\): it was made with key ${shortFingerprint(impostor.fingerprint)}, which is not Carol's listed key ${shortFingerprint(carolReal.fingerprint)}`));
  });

  test('a signature by a witness the script does not list is refused', async (t) => {
    const key = ecdsaSigner();
    const mallory = ed25519Witness('Mallory');
    const carol = ed25519Witness('Carol');
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed: [{ name: 'Mallory', fingerprint: mallory.fingerprint }], witnessSigners: [mallory] });
    const failure = failureOf(chainOf(lines), { ceremonyKeySpki: key.spki, witnesses: [{ name: 'Carol', fingerprint: carol.fingerprint }] });
    assert.equal(failure.code, 'unlisted-witness');
    assert.equal(failure.seq, 14);
    assert.match(failure.message, /"Mallory" is not a witness listed in the script \(listed: Carol\)/);
  });

  test('a ceremony-key signature by another key is refused', async (t) => {
    const key = ecdsaSigner();
    const other = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    const failure = failureOf(chainOf(lines), { ceremonyKeySpki: other.spki, witnesses: [{ name: 'Carol', fingerprint: carol.fingerprint }] });
    assert.equal(failure.code, 'unknown-key');
    assert.equal(failure.seq, 13);
    assert.match(failure.message, /not with the ceremony key/);
  });

  test('a checkpoint without the ceremony key signature names the checkpoint', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const listed = [{ name: 'Carol', fingerprint: carol.fingerprint }];
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed, witnessSigners: [carol], skipCheckpointCeremonySignature: true });
    const failure = failureOf(chainOf(lines), { ceremonyKeySpki: key.spki, witnesses: listed });
    assert.equal(failure.code, 'missing-ceremony-signature');
    assert.equal(failure.seq, 12);
    assert.equal(failure.message, 'entry 12 (checkpoint): it is not signed by the ceremony key');
  });

  test('an unsealed transcript fails unless the caller checks a ceremony in progress', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const listed = [{ name: 'Carol', fingerprint: carol.fingerprint }];
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed, witnessSigners: [carol], seal: false });
    const entries = chainOf(lines);
    assert.equal(failureOf(entries, { ceremonyKeySpki: key.spki, witnesses: listed }).code, 'no-seal');
    assert.ok(verifySignatures(entries, { ceremonyKeySpki: key.spki, witnesses: listed, requireSeal: false }).ok);
    assert.throws(() => finalHash(entries), { code: 'TRANSCRIPT_NOT_SEALED' });
  });

  test('an algorithm that does not match the key is refused', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness('Carol');
    const listed = [{ name: 'Carol', fingerprint: carol.fingerprint }];
    const lines = await ceremonyLines(t, { ceremonyKey: key, listed, witnessSigners: [carol] });
    const tampered = [...lines];
    const entry = parseLine(lines[14]!);
    entry.data.algorithm = 'ecdsa-p256-sha256';
    tampered[14] = writeLine(entry);
    const failure = failureOf(chainOf(rechain(tampered, 14)), { ceremonyKeySpki: key.spki, witnesses: listed });
    assert.equal(failure.code, 'algorithm-mismatch');
    assert.equal(failure.seq, 14);
  });
});
