// Witness key files: create and open round trip, signatures that node:crypto verifies,
// a wrong passphrase, tampering with every field (refused by the parser or by the AEAD),
// strict parsing, and the passphrase and seed never appearing in the file.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { describe, test } from 'node:test';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { DomainError } from '../../../native/errors';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { deriveKey } from '../../../main/quorum/kdf';
import { createWitnessKey } from '../../../main/witness/create-witness-key';
import { ED25519_SPKI_PREFIX, generateSeed, publicSpkiFromSeed } from '../../../main/witness/ed25519-keys';
import { openWitnessKey } from '../../../main/witness/open-witness-key';
import { parseWitnessKey, witnessPublicInfo } from '../../../main/witness/witness-key-file';
import { MIN_KDF, WITNESS_NAME, WITNESS_PASSPHRASE, passphraseBytes, signaturePayload, utf8, witnessKey } from './fixtures';

function codeOf(error: unknown): string {
  assert.ok(DomainError.is(error), `expected a DomainError, got ${String(error)}`);
  assert.ok(error.action.length > 0, 'the error says what to do');
  return error.code;
}

function mutate(text: string, edit: (o: Record<string, any>) => void): string {
  const o = JSON.parse(text) as Record<string, any>;
  edit(o);
  return canonicalJson(o);
}

async function openError(text: string, passphrase = passphraseBytes()): Promise<DomainError> {
  try {
    const signer = await openWitnessKey(parseWitnessKey(text), passphrase);
    signer.close();
  } catch (error) {
    codeOf(error);
    return error as DomainError;
  }
  assert.fail('the key file opened');
}

function parseError(text: string): DomainError {
  try {
    parseWitnessKey(text);
  } catch (error) {
    assert.equal(codeOf(error), 'WITNESS_KEY_MALFORMED');
    return error as DomainError;
  }
  assert.fail('the key file was accepted');
}

describe('create and open', () => {
  test('round trip: the opened signer signs what node:crypto verifies with the public key in the file', async () => {
    const created = await witnessKey();
    const parsed = parseWitnessKey(created.fileText);
    assert.equal(parsed.name, WITNESS_NAME);
    assert.deepEqual(parsed.publicKeySpki, created.publicKeySpki);
    assert.equal(parsed.publicKeySpki.length, 44);
    assert.deepEqual(parsed.publicKeySpki.subarray(0, 12), ED25519_SPKI_PREFIX);
    assert.equal(parsed.fingerprint, created.fingerprintHex);
    assert.equal(created.fingerprint.hex.replace(/ /g, ''), created.fingerprintHex);
    assert.equal(created.fingerprint.words.length, 6);
    assert.deepEqual(created.kdf, MIN_KDF);

    const signer = await openWitnessKey(parsed, passphraseBytes());
    assert.equal(signer.kind, 'file');
    assert.equal(signer.algorithm, 'ed25519');
    assert.equal(signer.name, WITNESS_NAME);
    assert.equal(signer.fingerprint, created.fingerprintHex);
    const payload = signaturePayload('ceremony-1', 4, 'ab'.repeat(32));
    const signature = await signer.sign(payload);
    assert.equal(signature.length, 64);
    const publicKey = createPublicKey({ key: Buffer.from(parsed.publicKeySpki), format: 'der', type: 'spki' });
    assert.ok(nodeVerify(null, payload, publicKey, signature));
    assert.ok(!nodeVerify(null, utf8('another payload'), publicKey, signature));
    // Ed25519 is deterministic: the same payload gives the same bytes.
    assert.deepEqual(await signer.sign(payload), signature);
    signer.close();
  });

  test('close() overwrites the seed and refuses further signing', async () => {
    const parsed = parseWitnessKey((await witnessKey()).fileText);
    const signer = await openWitnessKey(parsed, passphraseBytes());
    const seed = (signer as unknown as { seed: Uint8Array }).seed;
    assert.ok(seed.some((b) => b !== 0), 'the signer holds the seed while open');
    signer.close();
    assert.ok(seed.every((b) => b === 0), 'close() zeroes the seed');
    await assert.rejects(signer.sign(utf8('x')), (e) => codeOf(e) === 'WITNESS_SIGNER_CLOSED');
    signer.close();
  });

  test('the passphrase given by the caller is left to the caller; the derived key does not outlive the call', async () => {
    const passphrase = passphraseBytes();
    const signer = await openWitnessKey(parseWitnessKey((await witnessKey()).fileText), passphrase);
    assert.deepEqual(passphrase, passphraseBytes());
    signer.close();
  });

  test('public info needs no passphrase', async () => {
    const created = await witnessKey();
    const info = witnessPublicInfo(parseWitnessKey(created.fileText));
    assert.equal(info.name, WITNESS_NAME);
    assert.equal(info.algorithm, 'ed25519');
    assert.equal(info.fingerprintHex, created.fingerprintHex);
    assert.deepEqual(info.fingerprint, created.fingerprint);
    assert.deepEqual(info.kdf, MIN_KDF);
    const fromPem = createPublicKey(info.publicKeyPem).export({ type: 'spki', format: 'der' });
    assert.deepEqual(new Uint8Array(fromPem), created.publicKeySpki);
  });

  test('fresh keys differ: new seed, salt and nonce each time', async () => {
    const a = await witnessKey();
    const b = await createWitnessKey({ name: WITNESS_NAME, passphrase: passphraseBytes(), kdf: MIN_KDF });
    const pa = parseWitnessKey(a.fileText);
    const pb = parseWitnessKey(b.fileText);
    assert.notEqual(pa.fingerprint, pb.fingerprint);
    assert.notDeepEqual(pa.kdf.salt, pb.kdf.salt);
    assert.notDeepEqual(pa.aead.nonce, pb.aead.nonce);
  });

  test('extra entropy is mixed into the seed (the result is still a valid key)', () => {
    const extra = new Uint8Array(32).fill(7);
    const seed = generateSeed(extra);
    assert.equal(seed.length, 32);
    assert.equal(publicSpkiFromSeed(seed).length, 44);
    assert.throws(() => generateSeed(new Uint8Array(8)), /at least 16 bytes/);
  });

  test('the KDF cost is never below the minimum', async () => {
    await assert.rejects(
      createWitnessKey({ name: WITNESS_NAME, passphrase: passphraseBytes(), kdf: { ...MIN_KDF, memoryKiB: 1024 } }),
      (e) => codeOf(e) === 'KDF_PARAMS_INVALID',
    );
    await assert.rejects(createWitnessKey({ name: ' padded', passphrase: passphraseBytes(), kdf: MIN_KDF }), /name must be/);
  });
});

describe('wrong passphrase', () => {
  test('is refused with WITNESS_KEY_WRONG_PASSPHRASE, naming the witness but not the passphrase', async () => {
    const created = await witnessKey();
    const error = await openError(created.fileText, passphraseBytes('lantern Orchid 93 gravel tidE'));
    assert.equal(error.code, 'WITNESS_KEY_WRONG_PASSPHRASE');
    assert.match(error.message, /Wanda Witness/);
    assert.ok(!error.message.includes('lantern') && !error.action.includes('lantern'));
  });

  test('the same passphrase typed in another Unicode form opens (NFC)', async () => {
    const passphrase = 'Mo\u0308we kiesel 7 Ufer lang';
    const created = await createWitnessKey({ name: 'Zo\u00eb', passphrase: passphraseBytes(passphrase), kdf: MIN_KDF });
    const signer = await openWitnessKey(parseWitnessKey(created.fileText), passphraseBytes('M\u00f6we kiesel 7 Ufer lang'));
    signer.close();
  });
});

describe('tampering', () => {
  const otherSpki = () => new Uint8Array(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }));
  const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  // Every field is either checked by the parser or authenticated as associated data.
  const authenticated: Array<[string, (o: Record<string, any>) => void]> = [
    ['name', (o) => (o.name = 'Mallory')],
    ['createdAt', (o) => (o.createdAt = '2020-01-01T00:00:00.000Z')],
    [
      'publicKey and fingerprint together (another valid key)',
      (o) => {
        const spki = otherSpki();
        o.publicKey = Buffer.from(spki).toString('base64');
        o.fingerprint = sha256Hex(spki);
      },
    ],
    ['kdf.salt', (o) => (o.kdf.salt = Buffer.alloc(16, 1).toString('base64'))],
    ['kdf.iterations', (o) => (o.kdf.iterations = 4)],
    ['kdf.memoryKiB', (o) => (o.kdf.memoryKiB = 65536 + 1024)],
    ['kdf.parallelism', (o) => (o.kdf.parallelism = 5)],
    ['aead.nonce', (o) => (o.aead.nonce = Buffer.alloc(24, 2).toString('base64'))],
    [
      'ciphertext (first byte)',
      (o) => {
        const c = Buffer.from(o.ciphertext, 'base64');
        c[0]! ^= 1;
        o.ciphertext = c.toString('base64');
      },
    ],
    [
      'ciphertext (tag)',
      (o) => {
        const c = Buffer.from(o.ciphertext, 'base64');
        c[c.length - 1]! ^= 0x80;
        o.ciphertext = c.toString('base64');
      },
    ],
  ];
  for (const [field, edit] of authenticated) {
    test(`${field}: the file parses but does not open`, async () => {
      const text = mutate((await witnessKey()).fileText, edit);
      parseWitnessKey(text);
      assert.equal((await openError(text)).code, 'WITNESS_KEY_WRONG_PASSPHRASE');
    });
  }

  const parsedOut: Array<[string, (o: Record<string, any>) => void, string]> = [
    ['format', (o) => (o.format = 'conclave-share-envelope'), 'format'],
    ['version', (o) => (o.version = 2), 'version'],
    ['fingerprint alone', (o) => (o.fingerprint = 'f'.repeat(64)), 'fingerprint'],
    ['publicKey alone', (o) => (o.publicKey = Buffer.from(otherSpki()).toString('base64')), 'fingerprint'],
    ['kdf.algorithm', (o) => (o.kdf.algorithm = 'argon2i'), 'kdf.algorithm'],
    ['kdf.version', (o) => (o.kdf.version = 16), 'kdf.version'],
    ['kdf below the minimum', (o) => (o.kdf.iterations = 1), 'kdf.iterations'],
    ['aead.algorithm', (o) => (o.aead.algorithm = 'aes-256-gcm'), 'aead.algorithm'],
    ['ciphertext length', (o) => (o.ciphertext = Buffer.alloc(47).toString('base64')), 'ciphertext'],
    ['an added field', (o) => (o.note = 'hi'), 'note'],
    ['a removed field', (o) => delete o.kdf.salt, 'kdf.salt'],
  ];
  for (const [what, edit, path] of parsedOut) {
    test(`${what}: refused by the parser at "${path}"`, async () => {
      const error = parseError(mutate((await witnessKey()).fileText, edit));
      assert.ok(error.message.includes(`at "${path}"`), error.message);
    });
  }

  test('the associated data is the canonical JSON of every field but the ciphertext', async () => {
    const text = (await witnessKey()).fileText;
    const o = JSON.parse(text);
    delete o.ciphertext;
    assert.equal(new TextDecoder().decode(parseWitnessKey(text).associatedData), canonicalJson(o));
  });

  test('a file whose seed does not belong to its public key is refused after decryption (WITNESS_KEY_MISMATCH)', async () => {
    const parsed = parseWitnessKey((await witnessKey()).fileText);
    const key = await deriveKey(passphraseBytes(), parsed.kdf);
    const forged = xchacha20poly1305(key, parsed.aead.nonce, parsed.associatedData).encrypt(new Uint8Array(32).fill(9));
    const text = mutate(parsed.text, (o) => (o.ciphertext = Buffer.from(forged).toString('base64')));
    assert.equal((await openError(text)).code, 'WITNESS_KEY_MISMATCH');
  });
});

describe('strict parsing', () => {
  test('non-canonical text (whitespace, key order) is refused', async () => {
    const text = (await witnessKey()).fileText;
    assert.match(parseError(JSON.stringify(JSON.parse(text), null, 1)).message, /canonical JSON/);
    assert.match(parseError(`${text} `).message, /canonical JSON/);
  });

  test('not JSON, not an object, too long', () => {
    assert.match(parseError('{nope').message, /not JSON/);
    assert.match(parseError('[]').message, /a JSON object/);
    assert.match(parseError('x'.repeat(20_000)).message, /at most/);
    assert.match(parseError('').message, /at "\$"/);
  });

  test('names and times are checked', async () => {
    const text = (await witnessKey()).fileText;
    assert.match(parseError(mutate(text, (o) => (o.name = ''))).message, /at "name"/);
    assert.match(parseError(mutate(text, (o) => (o.name = 'x'.repeat(65)))).message, /at "name"/);
    assert.match(parseError(mutate(text, (o) => (o.name = 'Wanda\u0007'))).message, /at "name"/);
    assert.match(parseError(mutate(text, (o) => (o.createdAt = '2025-02-30T00:00:00.000Z'))).message, /at "createdAt"/);
    assert.match(parseError(mutate(text, (o) => (o.createdAt = '2025-01-01T00:00:00Z'))).message, /at "createdAt"/);
  });
});

describe('no secret in the file', () => {
  test('neither the passphrase nor the seed appears in the key file, in any common encoding', async () => {
    const seed = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255);
    const created = await createWitnessKey({ name: WITNESS_NAME, passphrase: passphraseBytes(), kdf: MIN_KDF }, { seed: Uint8Array.from(seed) });
    const text = created.fileText;
    const forms = (bytes: Uint8Array) => {
      const b = Buffer.from(bytes);
      return [b.toString('latin1'), b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'), b.toString('base64').replace(/=+$/, ''), b.toString('base64url')];
    };
    for (const needle of [...forms(utf8(WITNESS_PASSPHRASE)), ...forms(seed)]) assert.ok(!text.includes(needle), 'no secret in the file');
    // The seed given was used (and the copy inside was overwritten, not the caller's).
    const signer = await openWitnessKey(parseWitnessKey(text), passphraseBytes());
    assert.deepEqual((signer as unknown as { seed: Uint8Array }).seed, seed);
    signer.close();
  });
});
