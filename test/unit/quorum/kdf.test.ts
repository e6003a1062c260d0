// Argon2id: hash-wasm (the implementation Conclave uses) checked against @noble/hashes
// (a second, independent implementation) and against RFC 9106's argon2id vector; the
// parameter rules; calibration never below the minimum.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { argon2id as wasmArgon2id } from 'hash-wasm';
import { DomainError } from '../../../native/errors';
import { assertKdfParams, calibrateKdf, deriveKey } from '../../../main/quorum/kdf';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { KDF_MINIMUM, type KdfParams } from '../../../main/quorum/types';
import { MIN_KDF } from './fixtures';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// RFC 9106 section 5.3 (Argon2id test vector).
const RFC = {
  password: new Uint8Array(32).fill(0x01),
  salt: new Uint8Array(16).fill(0x02),
  secret: new Uint8Array(8).fill(0x03),
  ad: new Uint8Array(12).fill(0x04),
  t: 3,
  m: 32,
  p: 4,
  tag: '0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659',
};

describe('Argon2id against RFC 9106 and a second implementation', () => {
  test('@noble/hashes reproduces the RFC 9106 section 5.3 tag (secret and associated data)', () => {
    const tag = nobleArgon2id(RFC.password, RFC.salt, { t: RFC.t, m: RFC.m, p: RFC.p, key: RFC.secret, personalization: RFC.ad, dkLen: 32 });
    assert.equal(hex(tag), RFC.tag);
  });

  test('hash-wasm, which has no associated-data input, agrees with @noble/hashes on the RFC inputs without it', async () => {
    // hash-wasm 4.x always hashes an empty associated data field, so the RFC tag itself is
    // out of its reach; with the same secret and no associated data both must agree.
    const wasm = await wasmArgon2id({ password: RFC.password, salt: RFC.salt, secret: RFC.secret, iterations: RFC.t, parallelism: RFC.p, memorySize: RFC.m, hashLength: 32, outputType: 'binary' });
    const noble = nobleArgon2id(RFC.password, RFC.salt, { t: RFC.t, m: RFC.m, p: RFC.p, key: RFC.secret, dkLen: 32 });
    assert.equal(hex(wasm), hex(noble));
    assert.notEqual(hex(wasm), RFC.tag, 'associated data does change the tag');
  });

  const sets = [
    { t: 1, m: 8, p: 1, salt: 16 },
    { t: 2, m: 256, p: 2, salt: 16 },
    { t: 3, m: 4096, p: 4, salt: 32 },
    { t: 3, m: KDF_MINIMUM.memoryKiB, p: 4, salt: 16 },
    { t: 4, m: KDF_MINIMUM.memoryKiB + 1024, p: 5, salt: 24 },
  ];
  for (const s of sets) {
    test(`hash-wasm = @noble/hashes for t=${s.t}, m=${s.m} KiB, p=${s.p}, ${s.salt}-byte salt`, async () => {
      const password = encodePassphrase(`pässphrase for m=${s.m}`);
      const salt = Uint8Array.from({ length: s.salt }, (_, i) => (i * 37 + s.m) & 255);
      const wasm = await wasmArgon2id({ password, salt, iterations: s.t, parallelism: s.p, memorySize: s.m, hashLength: 32, outputType: 'binary' });
      const noble = nobleArgon2id(password, salt, { t: s.t, m: s.m, p: s.p, dkLen: 32, maxmem: 2 ** 31 });
      assert.equal(hex(wasm), hex(noble));
    });
  }

  test('deriveKey (hash-wasm through Conclave) = @noble/hashes at the minimum parameters', async () => {
    const salt = new Uint8Array(16).map((_, i) => i);
    const passphrase = encodePassphrase('violet Anchor 58 drizzle');
    const key = await deriveKey(passphrase, { ...MIN_KDF, salt });
    const noble = nobleArgon2id(passphrase, salt, { t: 3, m: KDF_MINIMUM.memoryKiB, p: 4, dkLen: 32 });
    assert.equal(key.length, 32);
    assert.equal(hex(key), hex(noble));
    assert.equal(Object.getPrototypeOf(key), Uint8Array.prototype);
    assert.equal(hex(passphrase), hex(encodePassphrase('violet Anchor 58 drizzle')), 'the caller’s passphrase bytes are untouched');
  });
});

describe('parameter rules', () => {
  const ok: KdfParams = { ...MIN_KDF, salt: new Uint8Array(16) };
  const refuses = (params: unknown, field: string) =>
    assert.throws(
      () => assertKdfParams(params as KdfParams),
      (e: unknown) => DomainError.is(e) && e.code === 'KDF_PARAMS_INVALID' && e.message.includes(`"${field}"`),
      field,
    );

  test('the minimum is accepted; anything below it, or outside the maximums, is not', async () => {
    assertKdfParams(ok);
    assertKdfParams(MIN_KDF);
    refuses({ ...ok, memoryKiB: KDF_MINIMUM.memoryKiB - 1 }, 'memoryKiB');
    refuses({ ...ok, iterations: 2 }, 'iterations');
    refuses({ ...ok, parallelism: 3 }, 'parallelism');
    refuses({ ...ok, salt: new Uint8Array(15) }, 'salt');
    refuses({ ...ok, algorithm: 'argon2i' }, 'algorithm');
    refuses({ ...ok, version: 16 }, 'version');
    refuses({ ...ok, memoryKiB: 3 * 1024 * 1024 }, 'memoryKiB');
    refuses({ ...ok, iterations: 101 }, 'iterations');
    refuses({ ...ok, iterations: 3.5 }, 'iterations');
    await assert.rejects(deriveKey(new Uint8Array([1]), { ...ok, iterations: 2 }), (e: unknown) => DomainError.is(e) && e.code === 'KDF_PARAMS_INVALID');
  });
});

describe('calibration', () => {
  test('a tiny target stays at the minimum and reports the measured time', async () => {
    const { params, milliseconds } = await calibrateKdf({ targetMs: 1 });
    assert.deepEqual(params, MIN_KDF);
    assert.ok(milliseconds > 0);
  });

  test('a one-second target never goes below the minimum and reports what it measured', async () => {
    const { params, milliseconds } = await calibrateKdf({ targetMs: 1000 });
    assertKdfParams(params);
    assert.ok(params.memoryKiB >= KDF_MINIMUM.memoryKiB && params.iterations >= KDF_MINIMUM.iterations && params.parallelism >= KDF_MINIMUM.parallelism);
    assert.ok(milliseconds > 0);
  });
});
