// The share-envelope test vectors (test/vectors/share-envelope/, written by
// scripts/make-share-vectors.ts) re-derived by a second implementation written here
// from docs/share-envelope.md: @noble/hashes Argon2id, @noble/ciphers
// XChaCha20-Poly1305, node:crypto SHA-256, its own canonical JSON and byte layouts.
// Conclave's own module is used only at the end, to show it accepts the vectors.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2id } from '@noble/hashes/argon2.js';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { combine } from 'shamir-secret-sharing';
import { DomainError } from '../../../native/errors';
import { openEnvelope, parseEnvelope } from '../../../main/quorum/envelope';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';

const dir = join(__dirname, '..', '..', 'vectors', 'share-envelope');
const load = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const VECTORS = ['flat-2-of-3.json', 'groups-unicode-reshare.json'];
const SECRET_IDS = ['user-pin', 'so-pin'] as const;

// ---- an independent reading of the specification ----

function canonical(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'string') {
    let out = '"';
    for (const ch of value) {
      for (let i = 0; i < ch.length; i++) {
        const code = ch.charCodeAt(i);
        if (ch === '"') out += '\\"';
        else if (ch === '\\') out += '\\\\';
        else if (code === 0x08) out += '\\b';
        else if (code === 0x0c) out += '\\f';
        else if (code === 0x0a) out += '\\n';
        else if (code === 0x0d) out += '\\r';
        else if (code === 0x09) out += '\\t';
        else if (code < 0x20 || code >= 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
        else out += ch[i];
      }
    }
    return `${out}"`;
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${canonical(k)}:${canonical(o[k])}`).join(',')}}`;
}

const sha256 = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const lp = (b: Uint8Array) => Buffer.concat([u32(b.length), b]);
const utf8 = (s: string) => Buffer.from(s, 'utf8');

function plaintextOf(shares: Record<string, Buffer>): Buffer {
  const parts: Uint8Array[] = [Buffer.from([1, 2])];
  for (const id of SECRET_IDS) {
    const share = shares[id]!;
    parts.push(Buffer.from([id.length]), utf8(id), Buffer.from([share.length >> 8, share.length & 255]), share);
  }
  return Buffer.concat(parts);
}

function words(digest: Buffer): string[] {
  const bits = BigInt(`0x${digest.toString('hex')}`) >> 190n;
  return [5, 4, 3, 2, 1, 0].map((i) => wordlist[Number((bits >> BigInt(11 * i)) & 2047n)]!);
}

for (const file of VECTORS) {
  describe(`vector ${file}`, () => {
    const v = load(file);
    const inp = v.inputs;
    const exp = v.expected;
    const index = String(inp.custodianIndex);
    const shares = Object.fromEntries(SECRET_IDS.map((id) => [id, Buffer.from(inp.shares[id][index], 'hex')])) as Record<string, Buffer>;

    test('policy id', () => {
      const id = sha256(utf8('conclave/policy-id/v1'), Buffer.from([0]), utf8(canonical(inp.policy))).toString('hex');
      assert.equal(id, exp.policyId);
      assert.equal(inp.metadata.policyId, exp.policyId);
    });

    test('share commitments and secret digests', () => {
      for (const id of SECRET_IDS) {
        const c = sha256(utf8('conclave/share-commitment/v1'), Buffer.from([0]), lp(utf8(inp.ceremonyId)), lp(utf8(exp.policyId)), lp(utf8(id)), u32(inp.custodianIndex), lp(shares[id]!));
        assert.equal(c.toString('hex'), exp.commitments[id]);
        assert.equal(inp.metadata.commitments[id], exp.commitments[id]);
        const d = sha256(utf8('conclave/secret-digest/v1'), Buffer.from([0]), lp(utf8(inp.ceremonyId)), lp(utf8(id)), lp(Buffer.from(inp.secrets[id], 'hex')));
        assert.equal(d.toString('hex'), exp.secretDigests[id]);
      }
    });

    test('Argon2id key (@noble/hashes) from the NFC-normalized UTF-8 passphrase', () => {
      const passphrase = utf8(inp.passphrase.normalize('NFC'));
      assert.equal(passphrase.toString('hex'), exp.passphraseBytes);
      const key = argon2id(passphrase, Buffer.from(inp.salt, 'hex'), { t: inp.kdf.iterations, m: inp.kdf.memoryKiB, p: inp.kdf.parallelism, version: 0x13, dkLen: 32 });
      assert.equal(Buffer.from(key).toString('hex'), exp.key);
      assert.deepEqual(inp.kdf, { algorithm: 'argon2id', version: 19, memoryKiB: 65536, iterations: 3, parallelism: 4 });
    });

    test('associated data, plaintext, ciphertext (@noble/ciphers) and the envelope text', () => {
      const ad = canonical({
        aead: { algorithm: 'xchacha20poly1305', nonce: Buffer.from(inp.nonce, 'hex').toString('base64') },
        format: 'conclave-share-envelope',
        kdf: { ...inp.kdf, salt: Buffer.from(inp.salt, 'hex').toString('base64') },
        metadata: inp.metadata,
        version: 1,
      });
      assert.equal(ad, exp.associatedData);
      const plaintext = plaintextOf(shares);
      assert.equal(plaintext.toString('hex'), exp.plaintext);
      const cipher = xchacha20poly1305(Buffer.from(exp.key, 'hex'), Buffer.from(inp.nonce, 'hex'), utf8(ad));
      const ciphertext = Buffer.from(cipher.encrypt(plaintext));
      assert.equal(ciphertext.toString('base64'), exp.ciphertext);
      const envelope = canonical({ ...JSON.parse(ad), ciphertext: exp.ciphertext });
      assert.equal(envelope, exp.envelope);
      assert.match(envelope, /^[\x20-\x7e]+$/, 'the envelope text is printable ASCII');
      const decrypted = xchacha20poly1305(Buffer.from(exp.key, 'hex'), Buffer.from(inp.nonce, 'hex'), utf8(ad)).decrypt(Buffer.from(exp.ciphertext, 'base64'));
      assert.equal(Buffer.from(decrypted).toString('hex'), exp.plaintext);
    });

    test('fingerprint: SHA-256 of the envelope bytes, grouped hex and six BIP-39 words', () => {
      const digest = sha256(utf8(exp.envelope));
      assert.equal(digest.toString('hex'), exp.fingerprint.sha256);
      assert.equal(exp.fingerprint.hex, digest.toString('hex').match(/.{4}/g)!.join(' '));
      assert.deepEqual(exp.fingerprint.words, words(digest));
    });

    test('the shares of a satisfying set combine to the secrets (shamir-secret-sharing)', async () => {
      for (const id of SECRET_IDS) {
        const all = inp.shares[id] as Record<string, string>;
        const bytes = (i: string) => Uint8Array.from(Buffer.from(all[i]!, 'hex'));
        let secret: Uint8Array;
        if (!inp.policy.groups) {
          secret = await combine([bytes('1'), bytes('3')]);
        } else {
          // security 2 of 3 (custodians 1..3), operations 1 of 2 (custodian 4's share is the group share).
          const security = await combine([bytes('1'), bytes('2')]);
          secret = await combine([security, bytes('4')]);
        }
        assert.equal(Buffer.from(secret).toString('hex'), inp.secrets[id]);
      }
    });

    test('Conclave parses the vector envelope and opens it to the vector shares', async () => {
      const parsed = parseEnvelope(exp.envelope);
      assert.equal(parsed.fingerprint.hex, exp.fingerprint.hex);
      const opened = await openEnvelope(parsed, encodePassphrase(inp.passphrase));
      for (const id of SECRET_IDS) assert.equal(Buffer.from(opened[id]).toString('hex'), shares[id]!.toString('hex'));
    });
  });
}

describe('malformed vectors', () => {
  const cases = load('malformed.json').cases as Array<{ description: string; text: string; path: string }>;
  for (const c of cases) {
    test(`${c.description}: ENVELOPE_MALFORMED at "${c.path}"`, () => {
      assert.throws(
        () => parseEnvelope(c.text),
        (e: unknown) => DomainError.is(e) && e.code === 'ENVELOPE_MALFORMED' && e.message.includes(`at "${c.path}"`),
      );
    });
  }
});
