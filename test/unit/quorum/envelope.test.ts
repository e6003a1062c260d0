// Share envelopes: seal and open round trip, wrong passphrases, strict parsing, and
// tampering with every field (each is refused as malformed or fails to authenticate;
// none ever opens).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DomainError } from '../../../native/errors';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import {
  decodeShares,
  encodeShares,
  envelopeInfo,
  envelopeMetadata,
  openEnvelope,
  parseEnvelope,
  sealEnvelope,
} from '../../../main/quorum/envelope';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { policyId } from '../../../main/quorum/policy';
import { MIN_KDF, PASSPHRASE, groupPolicy, randomSecret, sealedEnvelope, type SealedFixture } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const isCode = (code: string) => (e: unknown) => DomainError.is(e) && e.code === code;

function malformedAt(text: string, path: string): void {
  assert.throws(
    () => parseEnvelope(text),
    (e: unknown) => {
      assert.ok(DomainError.is(e), String(e));
      assert.equal(e.code, 'ENVELOPE_MALFORMED');
      assert.ok(e.message.includes(`"${path}"`), `"${e.message}" names ${path}`);
      return true;
    },
  );
}

/** Tampered text must be refused: malformed at parse, or not authenticated at open. Never opens. */
async function refused(text: string): Promise<'malformed' | 'not authenticated'> {
  let parsed;
  try {
    parsed = parseEnvelope(text);
  } catch (error) {
    assert.ok(isCode('ENVELOPE_MALFORMED')(error), String(error));
    return 'malformed';
  }
  await assert.rejects(openEnvelope(parsed, encodePassphrase(PASSPHRASE)), isCode('ENVELOPE_WRONG_PASSPHRASE'));
  return 'not authenticated';
}

const flipHex = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
const flipB64Byte = (b64: string, at: number) => {
  const bytes = Buffer.from(b64, 'base64');
  const i = at < 0 ? bytes.length + at : at;
  bytes[i]! ^= 0x01;
  return bytes.toString('base64');
};

let flat: SealedFixture;
let grouped: SealedFixture;
before(async () => {
  flat = await sealedEnvelope();
  grouped = await sealedEnvelope({ policy: groupPolicy(), index: 4 });
});

const mutate = (text: string, change: (o: Json) => void) => {
  const o = JSON.parse(text) as Json;
  change(o);
  return canonicalJson(o);
};

describe('seal and open', () => {
  test('round trip returns the shares; the text is canonical ASCII JSON with the documented fields', async () => {
    const parsed = parseEnvelope(flat.text);
    assert.match(flat.text, /^[\x20-\x7e]+$/);
    assert.deepEqual(Object.keys(JSON.parse(flat.text)), ['aead', 'ciphertext', 'format', 'kdf', 'metadata', 'version']);
    const opened = await openEnvelope(parsed, encodePassphrase(PASSPHRASE));
    assert.deepEqual(opened, flat.shares);
    assert.equal(parsed.metadata.custodian.name, 'Bob');
    assert.equal(parsed.metadata.policyId, policyId(flat.policy));
    assert.equal(parsed.kdf.salt.length, 16);
    assert.equal(parsed.aead.nonce.length, 24);
  });

  test('a wrong passphrase is refused and names the custodian, not the passphrase', async () => {
    const parsed = parseEnvelope(flat.text);
    for (const wrong of ['violet anchor 58 drizzle', `${PASSPHRASE} `, 'x']) {
      await assert.rejects(openEnvelope(parsed, encodePassphrase(wrong)), (e: unknown) => {
        assert.ok(isCode('ENVELOPE_WRONG_PASSPHRASE')(e));
        assert.match((e as Error).message, /envelope of Bob \(custodian 2\)/);
        assert.ok(!(e as Error).message.includes(wrong));
        return true;
      });
    }
  });

  test('the passphrase is used NFC-normalized: a decomposed spelling opens too', async () => {
    const f = await sealedEnvelope({ passphrase: 'Zo\u00eb sails 42 north' });
    const shares = await openEnvelope(parseEnvelope(f.text), encodePassphrase('Zoe\u0308 sails 42 north'));
    assert.deepEqual(shares, f.shares);
  });

  test('fresh salt and nonce every time; fixed ones only when injected', async () => {
    const a = parseEnvelope((await sealedEnvelope()).text);
    const b = parseEnvelope((await sealedEnvelope()).text);
    assert.notDeepEqual(a.kdf.salt, b.kdf.salt);
    assert.notDeepEqual(a.aead.nonce, b.aead.nonce);
    const salt = new Uint8Array(16).fill(9);
    const nonce = new Uint8Array(24).fill(7);
    const c = parseEnvelope((await sealedEnvelope({ randomness: { salt, nonce } })).text);
    assert.deepEqual(c.kdf.salt, salt);
    assert.deepEqual(c.aead.nonce, nonce);
  });

  test('sealing refuses shares that do not match the metadata commitments, and KDF costs below the minimum', async () => {
    const p = flat.policy;
    const shares = { 'user-pin': randomSecret(33), 'so-pin': randomSecret(33) };
    const metadata = envelopeMetadata({ ceremonyId: 'c1', policy: p, index: 1, shares, reshareNonce: null, createdAt: '2025-01-31T12:00:00.000Z', rehearsal: true });
    await assert.rejects(
      sealEnvelope({ metadata, shares: { ...shares, 'so-pin': randomSecret(33) }, passphrase: encodePassphrase(PASSPHRASE), kdf: MIN_KDF }),
      isCode('SHARE_COMMITMENT_MISMATCH'),
    );
    await assert.rejects(sealEnvelope({ metadata, shares, passphrase: encodePassphrase(PASSPHRASE), kdf: { ...MIN_KDF, memoryKiB: 32 * 1024 } }), isCode('KDF_PARAMS_INVALID'));
  });

  test('envelopeInfo shows what can be read without the passphrase', () => {
    const info = envelopeInfo(parseEnvelope(grouped.text));
    assert.deepEqual(
      { ...info, fingerprint: undefined },
      {
        ceremonyId: 'ceremony-2025-01',
        custodian: 'Dave',
        index: 4,
        group: 'operations',
        policySummary: '2 of security and 1 of operations',
        threshold: 3,
        total: 5,
        kdf: { memoryKiB: 65536, iterations: 3, parallelism: 4 },
        fingerprint: undefined,
        rehearsal: false,
        reshareNonce: null,
      },
    );
    assert.match(info.fingerprint.hex, /^[0-9a-f]{4}( [0-9a-f]{4}){15}$/);
    assert.equal(info.fingerprint.words.length, 6);
  });

  test('the share encoding is exact', () => {
    const shares = { 'user-pin': new Uint8Array([1, 2, 3]), 'so-pin': new Uint8Array([9]) };
    const bytes = encodeShares(shares);
    assert.equal(Buffer.from(bytes).toString('hex'), '0102' + '08' + Buffer.from('user-pin').toString('hex') + '0003010203' + '06' + Buffer.from('so-pin').toString('hex') + '000109');
    assert.deepEqual(decodeShares(bytes), shares);
    assert.equal(decodeShares(new Uint8Array([...bytes, 0])), null);
    assert.equal(decodeShares(bytes.subarray(0, bytes.length - 1)), null);
    assert.equal(decodeShares(new Uint8Array([2, ...bytes.subarray(1)])), null);
  });
});

describe('tampering with each field is detected', () => {
  const metadataChanges: Array<[string, (m: Json) => void]> = [
    ['metadata.ceremonyId', (m) => (m.ceremonyId = 'ceremony-2025-02')],
    ['metadata.policyId', (m) => (m.policyId = flipHex(m.policyId))],
    ['metadata.policySummary', (m) => (m.policySummary = '2 of 5')],
    ['metadata.custodian.name', (m) => (m.custodian.name = 'Mallory')],
    ['metadata.custodian.index', (m) => (m.custodian.index = 3)],
    ['metadata.threshold', (m) => (m.threshold = 2)],
    ['metadata.total', (m) => (m.total = 6)],
    ['metadata.commitments.user-pin', (m) => (m.commitments['user-pin'] = flipHex(m.commitments['user-pin']))],
    ['metadata.commitments.so-pin', (m) => (m.commitments['so-pin'] = flipHex(m.commitments['so-pin']))],
    ['metadata.reshareNonce', (m) => (m.reshareNonce = 'ab'.repeat(32))],
    ['metadata.createdAt', (m) => (m.createdAt = '2025-01-31T12:00:01.000Z')],
    ['metadata.rehearsal', (m) => (m.rehearsal = true)],
  ];
  for (const [field, change] of metadataChanges) {
    test(`${field} (a valid but different value) does not authenticate`, async () => {
      assert.equal(await refused(mutate(flat.text, (o) => change(o.metadata))), 'not authenticated');
    });
  }

  test('group metadata: custodian.group, groups, groupThreshold', async () => {
    const changes: Array<[string, (m: Json) => void, string]> = [
      ['custodian.group', (m) => (m.custodian.group = 'security'), 'not authenticated'],
      ['groups threshold', (m) => (m.groups[1].threshold = 2), 'malformed'], // threshold no longer the minimum
      ['groups threshold and threshold', (m) => ((m.groups[1].threshold = 2), (m.threshold = 4)), 'not authenticated'],
      ['groups name', (m) => ((m.groups[1].name = 'ops'), (m.custodian.group = 'ops')), 'not authenticated'],
      ['groupThreshold', (m) => ((m.groupThreshold = 1), (m.threshold = 1)), 'malformed'],
      ['groups removed', (m) => ((m.groups = null), (m.groupThreshold = null), (m.custodian.group = null)), 'not authenticated'],
    ];
    for (const [what, change, expected] of changes) {
      assert.equal(await refused(mutate(grouped.text, (o) => change(o.metadata))), expected, what);
    }
  });

  test('kdf parameters and salt', async () => {
    assert.equal(await refused(mutate(flat.text, (o) => (o.kdf.memoryKiB += 1024))), 'not authenticated');
    assert.equal(await refused(mutate(flat.text, (o) => (o.kdf.iterations = 4))), 'not authenticated');
    assert.equal(await refused(mutate(flat.text, (o) => (o.kdf.parallelism = 5))), 'not authenticated');
    assert.equal(await refused(mutate(flat.text, (o) => (o.kdf.salt = flipB64Byte(o.kdf.salt, 0)))), 'not authenticated');
    malformedAt(mutate(flat.text, (o) => (o.kdf.memoryKiB = 1024)), 'kdf.memoryKiB');
    malformedAt(mutate(flat.text, (o) => (o.kdf.iterations = 2)), 'kdf.iterations');
    malformedAt(mutate(flat.text, (o) => (o.kdf.parallelism = 1)), 'kdf.parallelism');
    malformedAt(mutate(flat.text, (o) => (o.kdf.version = 16)), 'kdf.version');
    malformedAt(mutate(flat.text, (o) => (o.kdf.algorithm = 'argon2i')), 'kdf.algorithm');
    malformedAt(mutate(flat.text, (o) => (o.kdf.salt = Buffer.alloc(15).toString('base64'))), 'kdf.salt');
    malformedAt(mutate(flat.text, (o) => (o.kdf.salt = 'not base64!')), 'kdf.salt');
    malformedAt(mutate(flat.text, (o) => (o.kdf.memoryKiB = '65536')), 'kdf.memoryKiB');
  });

  test('aead nonce and algorithm', async () => {
    assert.equal(await refused(mutate(flat.text, (o) => (o.aead.nonce = flipB64Byte(o.aead.nonce, 23)))), 'not authenticated');
    malformedAt(mutate(flat.text, (o) => (o.aead.nonce = Buffer.alloc(12).toString('base64'))), 'aead.nonce');
    malformedAt(mutate(flat.text, (o) => (o.aead.algorithm = 'chacha20poly1305')), 'aead.algorithm');
  });

  test('ciphertext bytes: first, middle, last (tag), truncated, extended', async () => {
    const len = Buffer.from(JSON.parse(flat.text).ciphertext, 'base64').length;
    for (const at of [0, Math.floor(len / 2), -1]) {
      assert.equal(await refused(mutate(flat.text, (o) => (o.ciphertext = flipB64Byte(o.ciphertext, at)))), 'not authenticated', `byte ${at}`);
    }
    const cut = (o: Json) => (o.ciphertext = Buffer.from(o.ciphertext, 'base64').subarray(0, len - 1).toString('base64'));
    assert.equal(await refused(mutate(flat.text, cut)), 'not authenticated');
    const extend = (o: Json) => (o.ciphertext = Buffer.concat([Buffer.from(o.ciphertext, 'base64'), Buffer.from([0])]).toString('base64'));
    assert.equal(await refused(mutate(flat.text, extend)), 'not authenticated');
    malformedAt(mutate(flat.text, (o) => (o.ciphertext = Buffer.alloc(16).toString('base64'))), 'ciphertext');
    // Non-canonical base64: the unused low bits of the last character set.
    const b64 = JSON.parse(flat.text).ciphertext as string;
    if (b64.endsWith('=')) {
      const last = b64.replace(/=+$/, '').slice(-1);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const bumped = alphabet[alphabet.indexOf(last) ^ 1]!;
      const stem = b64.replace(/=+$/, '');
      malformedAt(mutate(flat.text, (o) => (o.ciphertext = `${stem.slice(0, -1)}${bumped}${b64.slice(stem.length)}`)), 'ciphertext');
    }
  });

  test('format and version', () => {
    malformedAt(mutate(flat.text, (o) => (o.format = 'conclave-share-envelope-x')), 'format');
    malformedAt(mutate(flat.text, (o) => (o.version = 2)), 'version');
    malformedAt(mutate(flat.text, (o) => (o.version = '1')), 'version');
  });

  test('added fields at every level', () => {
    malformedAt(mutate(flat.text, (o) => (o.extra = 1)), 'extra');
    malformedAt(mutate(flat.text, (o) => (o.metadata.note = 'x')), 'metadata.note');
    malformedAt(mutate(flat.text, (o) => (o.metadata.custodian.email = 'x')), 'metadata.custodian.email');
    malformedAt(mutate(flat.text, (o) => (o.metadata.commitments['hsm-pin'] = 'ab'.repeat(32))), 'metadata.commitments.hsm-pin');
    malformedAt(mutate(flat.text, (o) => (o.kdf.secret = 'AAAA')), 'kdf.secret');
    malformedAt(mutate(flat.text, (o) => (o.aead.tag = 'AAAA')), 'aead.tag');
  });

  test('removed fields at every level', () => {
    for (const key of ['aead', 'ciphertext', 'kdf', 'metadata']) malformedAt(mutate(flat.text, (o) => delete o[key]), key);
    for (const key of Object.keys(JSON.parse(flat.text).metadata)) malformedAt(mutate(flat.text, (o) => delete o.metadata[key]), `metadata.${key}`);
    malformedAt(mutate(flat.text, (o) => delete o.metadata.custodian.index), 'metadata.custodian.index');
    malformedAt(mutate(flat.text, (o) => delete o.kdf.salt), 'kdf.salt');
    malformedAt(mutate(flat.text, (o) => delete o.aead.nonce), 'aead.nonce');
  });

  test('wrong types and impossible values name the field', () => {
    malformedAt(mutate(flat.text, (o) => (o.metadata.custodian.index = 6)), 'metadata.custodian.index');
    malformedAt(mutate(flat.text, (o) => (o.metadata.custodian.index = '2')), 'metadata.custodian.index');
    malformedAt(mutate(flat.text, (o) => (o.metadata.threshold = 1)), 'metadata.threshold');
    malformedAt(mutate(flat.text, (o) => (o.metadata.custodian.group = 'ops')), 'metadata.custodian.group');
    malformedAt(mutate(flat.text, (o) => (o.metadata.ceremonyId = 'a b')), 'metadata.ceremonyId');
    malformedAt(mutate(flat.text, (o) => (o.metadata.policyId = 'AB'.repeat(32))), 'metadata.policyId');
    malformedAt(mutate(flat.text, (o) => (o.metadata.createdAt = '2025-01-31 12:00')), 'metadata.createdAt');
    malformedAt(mutate(flat.text, (o) => (o.metadata.rehearsal = 'no')), 'metadata.rehearsal');
    malformedAt(mutate(flat.text, (o) => (o.metadata.custodian.name = ' Bob')), 'metadata.custodian.name');
    malformedAt(mutate(flat.text, (o) => (o.metadata.reshareNonce = 'ab')), 'metadata.reshareNonce');
  });

  test('text that is not canonical: whitespace, reordered keys, duplicate keys, not JSON, not an object', () => {
    malformedAt(JSON.stringify(JSON.parse(flat.text), null, 2), '$');
    malformedAt(`${flat.text}\n`, '$');
    const o = JSON.parse(flat.text) as Json;
    const reordered = `{${Object.keys(o).reverse().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
    malformedAt(reordered, '$');
    malformedAt(flat.text.replace('{"aead":', '{"version":1,"aead":'), '$');
    malformedAt(flat.text.slice(0, -1), '$');
    malformedAt('[1,2]', '$');
    malformedAt('', '$');
    malformedAt('x'.repeat(70_000), '$');
  });
});
