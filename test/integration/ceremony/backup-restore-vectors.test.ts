// The test vectors in docs/ceremony-key-backup.md stay true, re-derived here the way an
// independent verifier would: its own canonical JSON and length-prefixed hashes
// (node:crypto SHA-256), Argon2id and XChaCha20-Poly1305 from @noble, RFC 5649 key wrap
// from @noble/ciphers and from OpenSSL. Only then are Conclave's own modules asked to read
// the same bytes, and to refuse the envelope where a quorum envelope is expected.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2id } from '@noble/hashes/argon2.js';
import { parseBackupRecord } from '../../../main/ceremony/engine';
import { openBackupEnvelope, parseBackupEnvelope, parseEnvelope } from '../../../main/quorum/envelope';
import { DomainError } from '../../../native/errors';

const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'ceremony-key-backup.md'), 'utf8');
const block = (marker: string) => {
  const m = new RegExp(`<!-- ${marker} -->\\n\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(doc);
  assert.ok(m, `the ${marker} block is in the document`);
  return m[1]!;
};

interface Vector {
  ceremonyId: string;
  policy: { threshold: number; custodians: Array<{ name: string }> };
  policyId: string;
  backupKey: string;
  backupKeyDigest: string;
  custodianIndex: number;
  share: string;
  commitment: string;
  passphrase: string;
  salt: string;
  nonce: string;
  envelope: string;
  envelopeFingerprint: string;
  wrappedKeyValue: string;
  wrapped: string;
  wrappedKeyCheckValue: string;
}

const v = JSON.parse(block('vector:key-backup')) as Vector;
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const utf8 = (s: string) => new TextEncoder().encode(s);
const sha256 = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
const lp = (b: Uint8Array) => {
  const out = Buffer.alloc(4 + b.length);
  out.writeUInt32BE(b.length, 0);
  out.set(b, 4);
  return out;
};
const u32 = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
};

/** Canonical JSON for the ASCII values of these vectors: sorted keys, no white space. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
}

test('policy id, backup key digest and share commitment re-derive from their definitions', () => {
  assert.equal(sha256(utf8('conclave/policy-id/v1'), Uint8Array.of(0), utf8(canonical(v.policy))), v.policyId);
  assert.equal(sha256(utf8('conclave/secret-digest/v1'), Uint8Array.of(0), lp(utf8(v.ceremonyId)), lp(utf8('backup-key')), lp(hex(v.backupKey))), v.backupKeyDigest);
  assert.equal(
    sha256(utf8('conclave/share-commitment/v1'), Uint8Array.of(0), lp(utf8(v.ceremonyId)), lp(utf8(v.policyId)), lp(utf8('backup-key')), u32(v.custodianIndex), lp(hex(v.share))),
    v.commitment,
  );
});

test('the backup envelope opens with Argon2id and XChaCha20-Poly1305 to the share, in the one-secret encoding', async () => {
  const envelope = JSON.parse(v.envelope) as { ciphertext: string; kdf: { salt: string; iterations: number; memoryKiB: number; parallelism: number }; aead: { nonce: string }; metadata: { commitments: Record<string, string> } };
  assert.equal(canonical(envelope), v.envelope, 'the file is canonical JSON');
  assert.deepEqual(envelope.metadata.commitments, { 'backup-key': v.commitment });
  assert.equal(Buffer.from(envelope.kdf.salt, 'base64').toString('hex'), v.salt);
  assert.equal(Buffer.from(envelope.aead.nonce, 'base64').toString('hex'), v.nonce);
  const { ciphertext, ...rest } = envelope;
  const key = argon2id(utf8(v.passphrase.normalize('NFC')), hex(v.salt), { t: envelope.kdf.iterations, m: envelope.kdf.memoryKiB, p: envelope.kdf.parallelism, dkLen: 32, version: 0x13 });
  const plain = xchacha20poly1305(key, hex(v.nonce), utf8(canonical(rest))).decrypt(new Uint8Array(Buffer.from(ciphertext, 'base64')));
  const share = hex(v.share);
  assert.deepEqual(Buffer.from(plain), Buffer.concat([Uint8Array.of(1, 1, 10), utf8('backup-key'), Uint8Array.of(share.length >> 8, share.length & 0xff), share]));
  const fingerprint = sha256(utf8(v.envelope));
  assert.equal(fingerprint.replace(/(.{4})(?!$)/g, '$1 '), v.envelopeFingerprint);

  // Conclave's reader agrees, and a quorum login would refuse this envelope by its kind.
  const opened = await openBackupEnvelope(parseBackupEnvelope(v.envelope), utf8(v.passphrase));
  assert.equal(Buffer.from(opened['backup-key']).toString('hex'), v.share);
  assert.throws(() => parseEnvelope(v.envelope), (error: unknown) => DomainError.is(error) && error.code === 'ENVELOPE_WRONG_KIND' && /key-backup envelope/.test(error.message));
});

test('the wrapped key is RFC 5649 AES key wrap with padding under the backup key (@noble/ciphers and OpenSSL agree)', () => {
  assert.equal(Buffer.from(aeskwp(hex(v.backupKey)).encrypt(hex(v.wrappedKeyValue))).toString('hex'), v.wrapped);
  const unwrapped = execFileSync('openssl', ['enc', '-d', '-id-aes256-wrap-pad', '-K', v.backupKey, '-iv', 'A65959A6'], { input: hex(v.wrapped) });
  assert.equal(unwrapped.toString('hex'), v.wrappedKeyValue);
  const testKey = Uint8Array.from({ length: 32 }, (_, i) => i);
  assert.equal(sha256(aeskwp(hex(v.wrappedKeyValue)).encrypt(testKey)).slice(0, 16), v.wrappedKeyCheckValue);
});

test('the example backup record parses strictly and lists the vector envelope and wrapped key', () => {
  const text = block('example:backup-record').trim();
  const record = parseBackupRecord(JSON.parse(text));
  assert.equal(canonical(JSON.parse(text)), text, 'the record is canonical JSON');
  assert.equal(record.policyId, v.policyId);
  assert.deepEqual([record.custodians[0]!.envelopeFingerprint, record.custodians[0]!.commitment], [v.envelopeFingerprint, v.commitment]);
  assert.equal(record.backupKey.digest, v.backupKeyDigest);
  assert.equal(record.wrapped.sha256, sha256(hex(v.wrapped)));
  assert.equal(record.wrapped.bytes, hex(v.wrapped).length);
  assert.equal(record.key.checkValue, v.wrappedKeyCheckValue);
  // Edited records are refused, naming the field.
  const edited = JSON.parse(text) as { policySummary: string };
  edited.policySummary = '1 of 3';
  assert.throws(() => parseBackupRecord(edited), (error: unknown) => DomainError.is(error) && error.code === 'BACKUP_RECORD_MALFORMED' && /policySummary/.test(error.message));
});
