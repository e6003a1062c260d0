// Writes the share-envelope test vectors (test/vectors/share-envelope/*.json) from fixed
// inputs: passphrase, salt, nonce, shares and metadata at the minimum Argon2id cost.
// The vectors are checked by test/unit/quorum/share-vectors.test.ts with a second
// implementation (@noble/hashes Argon2id, @noble/ciphers XChaCha20-Poly1305, node:crypto
// SHA-256, its own canonical JSON). Run: node --import tsx scripts/make-share-vectors.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toBase64, toHex } from '../main/quorum/bytes';
import { canonicalJson } from '../main/quorum/canonical-json';
import { secretDigest } from '../main/quorum/commitments';
import { encodeShares, envelopeMetadata, parseEnvelope, sealEnvelope } from '../main/quorum/envelope';
import { deriveKey, type KdfCost } from '../main/quorum/kdf';
import { encodePassphrase } from '../main/quorum/passphrase-policy';
import { parsePolicy, policyForHash, policyId } from '../main/quorum/policy';
import { KDF_MINIMUM, SECRET_IDS, type OpenedShares, type SecretId } from '../main/quorum/types';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', 'vectors', 'share-envelope');

const MIN_KDF: KdfCost = { algorithm: 'argon2id', version: 19, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism };
const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const seq = (length: number, start: number) => Uint8Array.from({ length }, (_, i) => (start + i) & 255);

interface VectorInput {
  name: string;
  description: string;
  passphrase: string;
  policy: unknown;
  ceremonyId: string;
  index: number;
  reshareNonce: string | null;
  rehearsal: boolean;
  secrets: Record<SecretId, string>;
  /** Shares of every custodian (index → hex), made once with shamir-secret-sharing from the secrets. */
  shares: Record<SecretId, Record<string, string>>;
  salt: Uint8Array;
  nonce: Uint8Array;
}

const VECTORS: VectorInput[] = [
  {
    name: 'flat-2-of-3',
    description: 'Flat 2-of-3 policy, envelope of custodian 1 (Alice), ASCII passphrase, minimum Argon2id cost.',
    passphrase: 'violet Anchor 58 drizzle',
    policy: { threshold: 2, custodians: [{ name: 'Alice' }, { name: 'Bob' }, { name: 'Carol' }] },
    ceremonyId: 'vector-ceremony-1',
    index: 1,
    reshareNonce: null,
    rehearsal: false,
    secrets: { 'user-pin': Buffer.from('flat-user-pin-vector-secret').toString('hex'), 'so-pin': Buffer.from('flat-so-pin-vector-secret').toString('hex') },
    shares: {
      'user-pin': {
        '1': 'cf3927c2c66c4b0e4df9dce1e35d692ac5baac50ee27464a6d723f32',
        '2': 'beea144e8f12293ce815e28cc199944b65e4ab80e9b0d240909955ce',
        '3': '8174128996daf2490beff5a0c5346c0522cee98bab26d11368213b45',
      },
      'so-pin': {
        '1': '858fe02eba2ba4be9b98d882ab94881b430c344fc8cfa101a51f',
        '2': '000afd52458e57e85756f999ba5a44829ce60e020aec89e95455',
        '3': '8f850d1976af910f6bce059ebfc278af0183f5e267b481283610',
      },
    },
    salt: seq(16, 0x00),
    nonce: seq(24, 0x40),
  },
  {
    name: 'groups-unicode-reshare',
    description:
      'Group policy "2 of security and 1 of operations", envelope of custodian 4 (Dana, operations: a threshold-1 group, so her share is the operations group share), non-ASCII names escaped in canonical JSON, a passphrase typed in decomposed form (NFD) and used NFC-normalized, a re-share nonce, rehearsal.',
    passphrase: 'Mo\u0308we kiesel 7 Ufer lang',
    policy: {
      threshold: 3,
      custodians: [
        { name: 'Ana', group: 'security' },
        { name: 'Bj\u00f6rn', group: 'security' },
        { name: 'Chidi', group: 'security' },
        { name: 'Dana', group: 'operations' },
        { name: '\u00c9mile', group: 'operations' },
      ],
      groups: [
        { name: 'security', threshold: 2 },
        { name: 'operations', threshold: 1 },
      ],
      groupThreshold: 2,
    },
    ceremonyId: 'vector-ceremony-2',
    index: 4,
    reshareNonce: '5e'.repeat(32),
    rehearsal: true,
    secrets: { 'user-pin': Buffer.from('groups-user-pin-vector-secret').toString('hex'), 'so-pin': Buffer.from('groups-so-pin-vector-secret').toString('hex') },
    shares: {
      'user-pin': {
        '1': 'cd31aee08e6fa5a873232e4a5704bbd14bca012f39deebe023d5f55fca9877',
        '2': '3c3048a7862f16cf776069851fb7dec5722673a87f2f632a2b57c185ee29b3',
        '3': '3433796e9eefd8667ba5a0cfc77971f93909e53ab527e06f33ca9df082e1e4',
        '4': 'd78c9c37c5111e88e0beb71f18ac8eb18c71fc50ecde5c1cd699bf2c095e',
        '5': 'd78c9c37c5111e88e0beb71f18ac8eb18c71fc50ecde5c1cd699bf2c095e',
      },
      'so-pin': {
        '1': 'c7868e97958a7dfab294c2e9a7638987c81508b3b336e6da40e89ec21e',
        '2': '507b5187b725a5da79b204b525cad75190146e628cf61c743dc8481158',
        '3': 'f8456e50b609076fe2c05086732150d2d04e6d7c9565bf02e17dcbbbee',
        '4': '47b0e1e71e1e9798a8ee0200b9b1f9f95c4ca6aa8ce871199302eba3',
        '5': '47b0e1e71e1e9798a8ee0200b9b1f9f95c4ca6aa8ce871199302eba3',
      },
    },
    salt: seq(16, 0xa0),
    nonce: seq(24, 0xe0),
  },
];

async function makeVector(v: VectorInput): Promise<Record<string, unknown>> {
  const policy = parsePolicy(v.policy);
  const shares = {} as OpenedShares;
  for (const id of SECRET_IDS) shares[id] = fromHex(v.shares[id][String(v.index)]!);
  const metadata = envelopeMetadata({ ceremonyId: v.ceremonyId, policy, index: v.index, shares, reshareNonce: v.reshareNonce, createdAt: '2025-01-31T12:00:00.000Z', rehearsal: v.rehearsal });
  const passphrase = encodePassphrase(v.passphrase);
  const sealed = await sealEnvelope({ metadata, shares, passphrase, kdf: MIN_KDF }, { salt: v.salt, nonce: v.nonce });
  const parsed = parseEnvelope(sealed.text);
  const key = await deriveKey(passphrase, parsed.kdf);
  const secretDigests = {} as Record<SecretId, string>;
  for (const id of SECRET_IDS) secretDigests[id] = secretDigest({ ceremonyId: v.ceremonyId, secretId: id, secret: fromHex(v.secrets[id]) });
  return {
    format: 'conclave-share-envelope-vector',
    version: 1,
    description: v.description,
    inputs: {
      passphrase: v.passphrase,
      policy: policyForHash(policy),
      ceremonyId: v.ceremonyId,
      custodianIndex: v.index,
      secrets: v.secrets,
      shares: v.shares,
      metadata,
      kdf: MIN_KDF,
      salt: toHex(v.salt),
      nonce: toHex(v.nonce),
    },
    expected: {
      policyId: policyId(policy),
      passphraseBytes: toHex(passphrase),
      key: toHex(key),
      associatedData: new TextDecoder().decode(parsed.associatedData),
      plaintext: toHex(encodeShares(shares)),
      ciphertext: toBase64(parsed.ciphertext),
      envelope: sealed.text,
      fingerprint: { sha256: sealed.fingerprint.hex.replace(/ /g, ''), hex: sealed.fingerprint.hex, words: sealed.fingerprint.words },
      commitments: metadata.commitments,
      secretDigests,
    },
  };
}

/** Altered copies of the first vector's envelope and the JSON path the parser must name. */
function malformedCases(envelope: string): Array<{ description: string; text: string; path: string }> {
  const edit = (change: (o: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const o = JSON.parse(envelope);
    change(o);
    return canonicalJson(o);
  };
  return [
    { description: 'memory below 64 MiB', text: edit((o) => (o.kdf.memoryKiB = 32768)), path: 'kdf.memoryKiB' },
    { description: 'two iterations', text: edit((o) => (o.kdf.iterations = 2)), path: 'kdf.iterations' },
    { description: 'one lane', text: edit((o) => (o.kdf.parallelism = 1)), path: 'kdf.parallelism' },
    { description: '8-byte salt', text: edit((o) => (o.kdf.salt = 'AAAAAAAAAAA=')), path: 'kdf.salt' },
    { description: 'argon2i instead of argon2id', text: edit((o) => (o.kdf.algorithm = 'argon2i')), path: 'kdf.algorithm' },
    { description: '12-byte nonce', text: edit((o) => (o.aead.nonce = 'AAAAAAAAAAAAAAAA')), path: 'aead.nonce' },
    { description: 'another AEAD', text: edit((o) => (o.aead.algorithm = 'aes-256-gcm')), path: 'aead.algorithm' },
    { description: 'unknown top-level field', text: edit((o) => (o.comment = 'x')), path: 'comment' },
    { description: 'unknown metadata field', text: edit((o) => (o.metadata.note = 'x')), path: 'metadata.note' },
    { description: 'missing commitment', text: edit((o) => delete o.metadata.commitments['so-pin']), path: 'metadata.commitments.so-pin' },
    { description: 'index beyond total', text: edit((o) => (o.metadata.custodian.index = 4)), path: 'metadata.custodian.index' },
    { description: 'format from elsewhere', text: edit((o) => (o.format = 'other-envelope')), path: 'format' },
    { description: 'version 2', text: edit((o) => (o.version = 2)), path: 'version' },
    { description: 'ciphertext not base64', text: edit((o) => (o.ciphertext = 'not*base64')), path: 'ciphertext' },
    { description: 'reformatted (pretty-printed) text', text: JSON.stringify(JSON.parse(envelope), null, 2), path: '$' },
  ];
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  let first: string | null = null;
  for (const v of VECTORS) {
    const vector = await makeVector(v);
    first ??= (vector.expected as { envelope: string }).envelope;
    writeFileSync(join(outDir, `${v.name}.json`), `${JSON.stringify(vector, null, 2)}\n`);
    console.log(`wrote test/vectors/share-envelope/${v.name}.json`);
  }
  writeFileSync(
    join(outDir, 'malformed.json'),
    `${JSON.stringify({ format: 'conclave-share-envelope-malformed-vectors', version: 1, description: 'Each text must be refused with ENVELOPE_MALFORMED naming path.', cases: malformedCases(first!) }, null, 2)}\n`,
  );
  console.log('wrote test/vectors/share-envelope/malformed.json');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
