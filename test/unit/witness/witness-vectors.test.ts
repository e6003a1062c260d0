// The witness-key test vectors (test/vectors/witness-key/, written by
// scripts/make-witness-vectors.ts) re-derived by a second implementation written here
// from docs/witness-key.md: @noble/hashes Argon2id, @noble/ciphers XChaCha20-Poly1305,
// node:crypto for SHA-256 and Ed25519 (keys built from the RFC 8410 DER layouts), and its
// own canonical JSON. Conclave's own modules are used only at the end, to show that they
// accept the vectors and refuse the malformed cases.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2id } from '@noble/hashes/argon2.js';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { DomainError } from '../../../native/errors';
import { openWitnessKey } from '../../../main/witness/open-witness-key';
import { parseWitnessKey } from '../../../main/witness/witness-key-file';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';

const dir = join(__dirname, '..', '..', 'vectors', 'witness-key');
const load = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const VECTORS = ['ascii-minimum.json', 'unicode-name-nfd-passphrase.json'];
/** RFC 8032 section 7.1, tests 1 and 2: seed → public key. */
const RFC8032: Record<string, string> = {
  '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60': 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb': '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
};

// ---- an independent reading of the specification ----

function canonical(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'string') {
    let out = '"';
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      const ch = value[i]!;
      if (ch === '"') out += '\\"';
      else if (ch === '\\') out += '\\\\';
      else if (code === 0x0a) out += '\\n';
      else if (code < 0x20 || code >= 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += ch;
    }
    return `${out}"`;
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${canonical(k)}:${canonical(o[k])}`).join(',')}}`;
}

const hex = (h: string) => Buffer.from(h, 'hex');
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const SPKI_PREFIX = hex('302a300506032b6570032100');
const PKCS8_PREFIX = hex('302e020100300506032b657004220420');

function words(digest: Buffer): string[] {
  const bits = BigInt(`0x${digest.toString('hex')}`) >> 190n;
  return [5, 4, 3, 2, 1, 0].map((i) => wordlist[Number((bits >> BigInt(11 * i)) & 2047n)]!);
}

for (const file of VECTORS) {
  describe(`vector ${file}`, () => {
    const v = load(file);
    const inp = v.inputs;
    const exp = v.expected;
    const seed = hex(inp.seed);
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = Buffer.from(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));

    test('public key: SPKI of the seed, matching RFC 8032', () => {
      assert.deepEqual(spki, Buffer.concat([SPKI_PREFIX, hex(RFC8032[inp.seed]!)]));
      assert.equal(spki.toString('hex'), exp.publicKeySpki);
      assert.equal(exp.publicKeyPem, `-----BEGIN PUBLIC KEY-----\n${b64(spki)}\n-----END PUBLIC KEY-----\n`);
    });

    test('fingerprint: SHA-256 of the SPKI DER, hex and words', () => {
      const digest = createHash('sha256').update(spki).digest();
      assert.equal(digest.toString('hex'), exp.fingerprint);
      assert.deepEqual(words(digest), exp.fingerprintWords);
    });

    test('passphrase bytes: UTF-8 of the NFC form', () => {
      assert.equal(Buffer.from(inp.passphrase.normalize('NFC'), 'utf8').toString('hex'), inp.passphraseBytes);
    });

    test('associated data: canonical JSON of every field but the ciphertext', () => {
      const ad = canonical({
        format: 'conclave-witness-key',
        version: 1,
        name: inp.name,
        createdAt: inp.createdAt,
        publicKey: b64(spki),
        fingerprint: exp.fingerprint,
        kdf: { algorithm: 'argon2id', version: 19, memoryKiB: inp.kdf.memoryKiB, iterations: inp.kdf.iterations, parallelism: inp.kdf.parallelism, salt: b64(hex(inp.salt)) },
        aead: { algorithm: 'xchacha20poly1305', nonce: b64(hex(inp.nonce)) },
      });
      assert.equal(ad, exp.associatedData);
      assert.ok(/^[\x20-\x7e]*$/.test(ad), 'the associated data is printable ASCII');
    });

    test('Argon2id key, ciphertext and file text (second implementation)', () => {
      const key = argon2id(hex(inp.passphraseBytes), hex(inp.salt), { t: inp.kdf.iterations, m: inp.kdf.memoryKiB, p: inp.kdf.parallelism, dkLen: 32, version: 0x13 });
      assert.equal(Buffer.from(key).toString('hex'), exp.argon2idKey);
      const ciphertext = xchacha20poly1305(key, hex(inp.nonce), Buffer.from(exp.associatedData, 'utf8')).encrypt(seed);
      assert.equal(Buffer.from(ciphertext).toString('hex'), exp.ciphertext);
      const o = JSON.parse(exp.associatedData);
      o.ciphertext = b64(ciphertext);
      assert.equal(canonical(o), exp.fileText);
      const opened = xchacha20poly1305(key, hex(inp.nonce), Buffer.from(exp.associatedData, 'utf8')).decrypt(hex(exp.ciphertext));
      assert.deepEqual(Buffer.from(opened), seed);
    });

    test('signature over the transcript-signature payload', () => {
      const s = exp.signature;
      const payload = `conclave-transcript-signature-v1\n${s.ceremonyId}\n${s.seq}\n${s.entryHash}`;
      assert.equal(payload, s.payload);
      const signature = sign(null, Buffer.from(payload, 'utf8'), privateKey);
      assert.equal(signature.toString('hex'), s.signature);
      assert.ok(verify(null, Buffer.from(payload, 'utf8'), createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature));
    });

    test("Conclave's modules read the file and sign the same bytes", async () => {
      const parsed = parseWitnessKey(exp.fileText);
      assert.equal(parsed.fingerprint, exp.fingerprint);
      const signer = await openWitnessKey(parsed, encodePassphrase(inp.passphrase));
      try {
        assert.equal(Buffer.from(await signer.sign(Buffer.from(exp.signature.payload, 'utf8'))).toString('hex'), exp.signature.signature);
      } finally {
        signer.close();
      }
    });
  });
}

describe('malformed vectors', () => {
  const m = load('malformed.json');
  test('the list covers the KDF minimums, the fingerprint binding, algorithms and canonical form', () => {
    const paths = new Set(m.cases.map((c: { path: string }) => c.path));
    for (const p of ['kdf.memoryKiB', 'kdf.iterations', 'kdf.parallelism', 'kdf.salt', 'fingerprint', 'publicKey', 'aead.nonce', 'ciphertext', '$']) assert.ok(paths.has(p), p);
  });
  for (const c of m.cases as Array<{ description: string; text: string; path: string }>) {
    test(`refused: ${c.description} (at "${c.path}")`, () => {
      assert.throws(
        () => parseWitnessKey(c.text),
        (e) => DomainError.is(e) && e.code === 'WITNESS_KEY_MALFORMED' && e.message.includes(`at "${c.path}"`),
      );
    });
  }
});
