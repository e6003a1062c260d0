// Writes the witness-key test vectors (test/vectors/witness-key/*.json) from fixed inputs:
// Ed25519 seed (the RFC 8032 section 7.1 test seeds), passphrase, salt, nonce and time, at
// the minimum Argon2id cost, plus a signature over an example transcript-signature payload
// and a list of malformed files with the field each must be refused at.
// The vectors are checked by test/unit/witness/witness-vectors.test.ts with a second
// implementation (@noble/hashes Argon2id, @noble/ciphers XChaCha20-Poly1305, node:crypto).
// Run: node --import tsx scripts/make-witness-vectors.ts
import { sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex, toHex, utf8 } from '../main/quorum/bytes';
import { canonicalJson } from '../main/quorum/canonical-json';
import { deriveKey, type KdfCost } from '../main/quorum/kdf';
import { encodePassphrase } from '../main/quorum/passphrase-policy';
import { KDF_MINIMUM } from '../main/quorum/types';
import { createWitnessKey } from '../main/witness/create-witness-key';
import { privateKeyFromSeed } from '../main/witness/ed25519-keys';
import { parseWitnessKey, witnessKeyMalformed, witnessPublicInfo } from '../main/witness/witness-key-file';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', 'vectors', 'witness-key');

const MIN_KDF: KdfCost = { algorithm: 'argon2id', version: 19, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism };
const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const seq = (length: number, start: number) => Uint8Array.from({ length }, (_, i) => (start + i) & 255);

/** The bytes a transcript signature signs (docs/witness-key.md, "What a witness signs"). */
function signaturePayload(ceremonyId: string, seq: number, entryHash: string): string {
  return `conclave-transcript-signature-v1\n${ceremonyId}\n${seq}\n${entryHash}`;
}

interface VectorInput {
  name: string;
  description: string;
  witness: string;
  passphrase: string;
  seed: string;
  salt: Uint8Array;
  nonce: Uint8Array;
  createdAt: string;
  signature: { ceremonyId: string; seq: number; entryHash: string };
}

const VECTORS: VectorInput[] = [
  {
    name: 'ascii-minimum',
    description: 'ASCII name and passphrase, the RFC 8032 test 1 seed, minimum Argon2id cost.',
    witness: 'Wendy Witness',
    passphrase: 'violet Anchor 58 drizzle',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    salt: seq(16, 0x10),
    nonce: seq(24, 0x40),
    createdAt: '2025-01-31T12:00:00.000Z',
    signature: { ceremonyId: 'vector-ceremony-1', seq: 7, entryHash: sha256Hex(utf8('vector entry 7')) },
  },
  {
    name: 'unicode-name-nfd-passphrase',
    description:
      'A non-ASCII name (escaped as \\uXXXX in canonical JSON), a passphrase typed in decomposed form (NFD) and used NFC-normalized, the RFC 8032 test 2 seed, a 32-byte salt, minimum Argon2id cost.',
    witness: 'Zo\u00eb \u00d8rsted',
    passphrase: 'Mo\u0308we kiesel 7 Ufer lang',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    salt: seq(32, 0xa0),
    nonce: seq(24, 0xe0),
    createdAt: '2025-06-30T23:59:59.999Z',
    signature: { ceremonyId: 'root-2025', seq: 0, entryHash: sha256Hex(utf8('vector entry 0')) },
  },
];

async function makeVector(v: VectorInput): Promise<Record<string, unknown>> {
  const passphrase = encodePassphrase(v.passphrase);
  const seed = fromHex(v.seed);
  const created = await createWitnessKey({ name: v.witness, passphrase, kdf: MIN_KDF }, { seed, salt: v.salt, nonce: v.nonce, createdAt: v.createdAt });
  const parsed = parseWitnessKey(created.fileText);
  const info = witnessPublicInfo(parsed);
  const key = await deriveKey(passphrase, parsed.kdf);
  const payload = signaturePayload(v.signature.ceremonyId, v.signature.seq, v.signature.entryHash);
  const signature = sign(null, utf8(payload), privateKeyFromSeed(fromHex(v.seed)));
  return {
    format: 'conclave-witness-key-vector',
    version: 1,
    description: v.description,
    inputs: {
      name: v.witness,
      passphrase: v.passphrase,
      passphraseBytes: toHex(passphrase),
      seed: v.seed,
      salt: toHex(v.salt),
      nonce: toHex(v.nonce),
      createdAt: v.createdAt,
      kdf: { memoryKiB: MIN_KDF.memoryKiB, iterations: MIN_KDF.iterations, parallelism: MIN_KDF.parallelism },
    },
    expected: {
      publicKeySpki: toHex(parsed.publicKeySpki),
      publicKeyPem: info.publicKeyPem,
      fingerprint: info.fingerprintHex,
      fingerprintWords: info.fingerprint.words,
      associatedData: new TextDecoder().decode(parsed.associatedData),
      argon2idKey: toHex(key),
      ciphertext: toHex(parsed.ciphertext),
      fileText: created.fileText,
      signature: {
        ceremonyId: v.signature.ceremonyId,
        seq: v.signature.seq,
        entryHash: v.signature.entryHash,
        payload,
        signature: toHex(signature),
      },
    },
  };
}

/** Files that must be refused, each with the JSON path the refusal names. */
function malformedCases(fileText: string): Array<{ description: string; text: string; path: string }> {
  const base = () => JSON.parse(fileText) as Record<string, any>;
  const cases: Array<{ description: string; mutate: (o: Record<string, any>) => unknown; path: string; raw?: (t: string) => string }> = [
    { description: 'memory below 64 MiB', mutate: (o) => (o.kdf.memoryKiB = 32768), path: 'kdf.memoryKiB' },
    { description: 'two iterations', mutate: (o) => (o.kdf.iterations = 2), path: 'kdf.iterations' },
    { description: 'one lane', mutate: (o) => (o.kdf.parallelism = 1), path: 'kdf.parallelism' },
    { description: 'Argon2 version 0x10', mutate: (o) => (o.kdf.version = 16), path: 'kdf.version' },
    { description: 'an 8-byte salt', mutate: (o) => (o.kdf.salt = 'AAAAAAAAAAA='), path: 'kdf.salt' },
    { description: 'another KDF', mutate: (o) => (o.kdf.algorithm = 'scrypt'), path: 'kdf.algorithm' },
    { description: 'a 12-byte nonce', mutate: (o) => (o.aead.nonce = 'AAAAAAAAAAAAAAAA'), path: 'aead.nonce' },
    { description: 'another AEAD', mutate: (o) => (o.aead.algorithm = 'aes-256-gcm'), path: 'aead.algorithm' },
    { description: 'a fingerprint that is not the SHA-256 of the public key', mutate: (o) => (o.fingerprint = '0'.repeat(64)), path: 'fingerprint' },
    { description: 'an upper-case fingerprint', mutate: (o) => (o.fingerprint = String(o.fingerprint).toUpperCase()), path: 'fingerprint' },
    // The P-256 public key of the private key 1 (the generator point), and an X25519 key of the same length as Ed25519's.
    { description: 'a P-256 public key instead of Ed25519', mutate: (o) => (o.publicKey = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9Q=='), path: 'publicKey' },
    { description: 'an X25519 public key instead of Ed25519', mutate: (o) => (o.publicKey = 'MCowBQYDK2VuAyEACQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk='), path: 'publicKey' },
    { description: 'a ciphertext one byte short', mutate: (o) => (o.ciphertext = Buffer.from(String(o.ciphertext), 'base64').subarray(1).toString('base64')), path: 'ciphertext' },
    { description: 'an unknown field', mutate: (o) => (o.comment = 'hello'), path: 'comment' },
    { description: 'a missing field', mutate: (o) => delete o.createdAt, path: 'createdAt' },
    { description: 'a local time without Z', mutate: (o) => (o.createdAt = '2025-01-31T12:00:00.000'), path: 'createdAt' },
    { description: 'a name with a line break', mutate: (o) => (o.name = 'Wendy\nWitness'), path: 'name' },
    { description: 'version 2', mutate: (o) => (o.version = 2), path: 'version' },
    { description: 'a share envelope, not a witness key', mutate: (o) => (o.format = 'conclave-share-envelope'), path: 'format' },
    { description: 'base64 without padding', mutate: (o) => (o.kdf.salt = String(o.kdf.salt).replace(/=+$/, '')), path: 'kdf.salt' },
  ];
  const out = cases.map((c) => {
    const o = base();
    c.mutate(o);
    return { description: c.description, text: canonicalJson(o), path: c.path };
  });
  out.push({ description: 'pretty-printed (not canonical)', text: JSON.stringify(JSON.parse(fileText), null, 2), path: '$' });
  return out;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  let first: string | null = null;
  for (const v of VECTORS) {
    const vector = await makeVector(v);
    first ??= (vector.expected as { fileText: string }).fileText;
    writeFileSync(join(outDir, `${v.name}.json`), `${JSON.stringify(vector, null, 2)}\n`);
    console.log(`wrote ${v.name}.json`);
  }
  const malformed = malformedCases(first!);
  for (const c of malformed) {
    // The generator checks its own expectations, so the file never lists a case the parser accepts.
    try {
      parseWitnessKey(c.text);
      throw new Error(`malformed case "${c.description}" was accepted`);
    } catch (error) {
      const expectedMessage = witnessKeyMalformed(c.path, '').message.split(':')[0]!;
      if (!(error as Error).message.startsWith(expectedMessage)) throw new Error(`malformed case "${c.description}": ${(error as Error).message}`);
    }
  }
  writeFileSync(
    join(outDir, 'malformed.json'),
    `${JSON.stringify({ format: 'conclave-witness-key-malformed-vectors', version: 1, description: 'Each text must be refused with WITNESS_KEY_MALFORMED naming the path.', cases: malformed }, null, 2)}\n`,
  );
  console.log('wrote malformed.json');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
