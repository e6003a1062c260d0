// The transcript test vectors (test/vectors/transcript/, written by
// scripts/make-transcript-vectors.ts) re-verified by a second implementation written
// here from docs/transcript.md: node:crypto for SHA-256, ECDSA and Ed25519, and its own
// canonical JSON (JSON.stringify over sorted keys, non-ASCII as \uXXXX). Conclave's own
// module is used only in the last tests, to show it reaches the same verdicts.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { recoverTranscript } from '../../../main/transcript/recovery';
import { verifyChain } from '../../../main/transcript/verify-chain';
import { verifySignatures } from '../../../main/transcript/verify-signatures';

const dir = join(__dirname, '..', '..', 'vectors', 'transcript');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
const read = (name: string) => readFileSync(join(dir, name));

// ---- an independent reading of the specification ----

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return value;
}

/** Canonical JSON: sorted keys, no whitespace, everything from U+007F up as a lower-case \uXXXX escape. */
function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const payloadOf = (ceremonyId: string, seq: number, hash: string) => Buffer.from(`conclave-transcript-signature-v1\n${ceremonyId}\n${seq}\n${hash}`, 'utf8');

interface Verdict {
  ok: boolean;
  /** 0-based index of the first bad line, when not ok. */
  at?: number;
  why?: string;
}

/** A second, minimal verifier: framing, canonical form, seq, prev, ceremony id, time, sealed last, signatures. */
function independentVerify(bytes: Buffer, trust: { ceremonyKeyDer: Buffer; witnesses: Array<{ name: string; fingerprint: string }> }): Verdict {
  const text = bytes.toString('utf8');
  if (!text.endsWith('\n')) return { ok: false, at: text.split('\n').length - 1, why: 'no final newline' };
  const lines = text.slice(0, -1).split('\n');
  const hashes: string[] = [];
  const entries: Array<Record<string, any>> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let entry: Record<string, any>;
    try {
      entry = JSON.parse(line);
    } catch {
      return { ok: false, at: i, why: 'not JSON' };
    }
    if (canonical(entry) !== line) return { ok: false, at: i, why: 'not canonical' };
    if (entry.v !== 1 || entry.seq !== i) return { ok: false, at: i, why: 'seq' };
    if (entry.prev !== (i === 0 ? '0'.repeat(64) : hashes[i - 1])) return { ok: false, at: i - 1, why: 'prev' };
    if (i > 0 && entry.ceremonyId !== entries[0]!.ceremonyId) return { ok: false, at: i, why: 'ceremony id' };
    if (i > 0 && entry.at < entries[i - 1]!.at) return { ok: false, at: i, why: 'time' };
    if (i > 0 && entries[i - 1]!.type === 'sealed') return { ok: false, at: i, why: 'after sealed' };
    if ((entry.type === 'checkpoint' || entry.type === 'seal') && (entry.data.upTo !== i - 1 || entry.data.hash !== hashes[i - 1])) return { ok: false, at: i, why: 'coverage' };
    hashes.push(sha256(Buffer.from(line, 'utf8')));
    entries.push(entry);
  }
  const signedBy = new Map<number, string[]>();
  for (const entry of entries) {
    if (entry.type !== 'signature') continue;
    const d = entry.data;
    const target = entries[d.signs];
    if (!target || (target.type !== 'checkpoint' && target.type !== 'seal') || d.entryHash !== hashes[d.signs]) return { ok: false, at: entry.seq, why: 'signs what?' };
    const spki = Buffer.from(d.publicKeySpki, 'base64');
    if (sha256(spki) !== d.signer.keyFingerprint) return { ok: false, at: entry.seq, why: 'fingerprint' };
    if (d.signer.kind === 'ceremony-key' && !spki.equals(trust.ceremonyKeyDer)) return { ok: false, at: entry.seq, why: 'not the ceremony key' };
    if (d.signer.kind === 'witness' && trust.witnesses.find((w) => w.name === d.signer.name)?.fingerprint !== sha256(spki)) return { ok: false, at: entry.seq, why: 'unlisted witness key' };
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const payload = payloadOf(target.ceremonyId, d.signs, hashes[d.signs]!);
    const signature = Buffer.from(d.signature, 'base64');
    const good = d.algorithm === 'ed25519' ? verify(null, payload, key, signature) : verify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
    if (!good) return { ok: false, at: entry.seq, why: 'bad signature' };
    signedBy.set(d.signs, [...(signedBy.get(d.signs) ?? []), `${d.signer.kind}:${d.signer.name}`]);
  }
  for (const entry of entries) {
    if (entry.type !== 'checkpoint' && entry.type !== 'seal') continue;
    const who = signedBy.get(entry.seq) ?? [];
    if (!who.some((w) => w.startsWith('ceremony-key:'))) return { ok: false, at: entry.seq, why: 'no ceremony signature' };
    if (entry.type === 'seal' && !trust.witnesses.every((w) => who.includes(`witness:${w.name}`))) return { ok: false, at: entry.seq, why: 'witness missing' };
  }
  if (entries[entries.length - 1]?.type !== 'sealed') return { ok: false, at: entries.length - 1, why: 'not sealed' };
  return { ok: true };
}

const pemDer = (name: string) => createPublicKey(read(name).toString('utf8')).export({ format: 'der', type: 'spki' });
const trust = {
  ceremonyKeyDer: pemDer(expected.ceremonyKey.spkiPem),
  witnesses: expected.witnesses.map((w: { name: string; spkiPem: string }) => ({ name: w.name, fingerprint: sha256(pemDer(w.spkiPem)) })),
};

describe('transcript test vectors', () => {
  test('the test keys are marked TEST-ONLY, and each private key belongs to its public key and listed fingerprint', () => {
    for (const k of [expected.ceremonyKey, ...expected.witnesses]) {
      for (const file of [k.spkiPem, k.pkcs8Pem]) assert.match(read(file).toString('utf8'), /^TEST-ONLY KEY\./);
      const fromPrivate = createPublicKey(createPrivateKey(read(k.pkcs8Pem).toString('utf8'))).export({ format: 'der', type: 'spki' });
      assert.deepEqual(fromPrivate, pemDer(k.spkiPem));
      assert.equal(sha256(fromPrivate), k.fingerprint);
    }
    assert.equal(createPublicKey(read(expected.ceremonyKey.spkiPem).toString('utf8')).asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(createPublicKey(read(expected.witnesses[0].spkiPem).toString('utf8')).asymmetricKeyType, 'ed25519');
  });

  test('every entry hash, every signature payload and the final hash match expected.json', () => {
    const lines = read(expected.file).toString('utf8').slice(0, -1).split('\n');
    assert.equal(lines.length, expected.entries.length);
    lines.forEach((line, i) => {
      const entry = JSON.parse(line);
      assert.equal(entry.seq, expected.entries[i].seq);
      assert.equal(entry.type, expected.entries[i].type);
      assert.equal(sha256(Buffer.from(line, 'utf8')), expected.entries[i].hash, `hash of line ${i + 1}`);
    });
    for (const p of expected.signaturePayloads) {
      const hash = expected.entries[p.signs].hash;
      assert.equal(payloadOf(expected.ceremonyId, p.signs, hash).toString('hex'), p.payloadHex);
    }
    assert.equal(sha256(Buffer.from(lines[lines.length - 1]!, 'utf8')), expected.finalHash);
    assert.match(lines[0]!, /"Ana M\\u00fcller"/, 'non-ASCII is escaped');
    assert.match(lines.join('\n'), /caf\\u00e9 \\u2615/);
  });

  test('the valid transcript verifies with the independent implementation', () => {
    const verdict = independentVerify(read(expected.file), trust);
    assert.deepEqual(verdict, { ok: true });
  });

  for (const t of expected.tampered as Array<{ file: string; description: string; firstFailure: { seq: number } }>) {
    test(`${t.file} (${t.description}) fails the independent verification`, () => {
      const verdict = independentVerify(read(t.file), trust);
      assert.equal(verdict.ok, false);
    });
  }

  test("Conclave's verifier reaches the recorded verdict for every vector", () => {
    const lines = read(expected.file).toString('utf8').slice(0, -1).split('\n');
    const chain = verifyChain(lines);
    assert.ok(chain.ok);
    assert.ok(verifySignatures(chain.entries, { ceremonyKeySpki: trust.ceremonyKeyDer, witnesses: trust.witnesses }).ok);
    for (const t of expected.tampered) {
      const tamperedLines = read(t.file).toString('utf8').slice(0, -1).split('\n');
      const result = verifyChain(tamperedLines);
      const failure = result.ok
        ? (() => {
            const s = verifySignatures(result.entries, { ceremonyKeySpki: trust.ceremonyKeyDer, witnesses: trust.witnesses });
            assert.equal(s.ok, false, t.file);
            return s.ok ? null : { check: 'signatures', code: s.failure.code, seq: s.failure.seq, line: s.failure.line, message: s.failure.message };
          })()
        : { check: 'chain', code: result.problem.code, seq: result.problem.seq, line: result.problem.line, message: result.problem.message };
      assert.deepEqual(failure, t.firstFailure, t.file);
    }
  });

  test("Conclave's recovery cuts the torn vector exactly as recorded", async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'conclave-vector-torn-'));
    t.after(() => rmSync(work, { recursive: true, force: true }));
    const path = join(work, 'transcript.jsonl');
    copyFileSync(join(dir, expected.torn.file), path);
    const result = await recoverTranscript(path);
    assert.deepEqual(result.cut, expected.torn.cut);
    assert.equal(readFileSync(path, 'utf8'), read(expected.file).toString('utf8').split('\n').slice(0, 9).join('\n') + '\n');
  });
});
