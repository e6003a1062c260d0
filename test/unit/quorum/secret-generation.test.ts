// Fresh token PINs: both randomness sources count, the length fits the token, the
// characters are printable and unambiguous, and a token that cannot take a strong PIN is
// refused rather than given a weak one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { derivePin, generatePins, MINIMUM_PIN_LENGTH, PIN_ALPHABET, pinLengthFor } from '../../../main/quorum/secret-generation';

const text = (pin: Uint8Array) => new TextDecoder().decode(pin);

describe('secret generation', () => {
  it('picks 24 characters where the token allows it, else the nearest length within its limits', () => {
    assert.equal(pinLengthFor({ minPinLength: 4, maxPinLength: 255 }), 24);
    assert.equal(pinLengthFor({ minPinLength: null, maxPinLength: null }), 24);
    assert.equal(pinLengthFor({ minPinLength: 32, maxPinLength: 64 }), 32);
    assert.equal(pinLengthFor({ minPinLength: 4, maxPinLength: 16 }), 16);
    assert.throws(() => pinLengthFor({ minPinLength: 4, maxPinLength: 8 }, 'The YubiKey'), (e: { code?: string; message: string }) => e.code === 'PIN_LENGTH_UNSUITABLE' && /YubiKey/.test(e.message) && /8/.test(e.message));
    assert.equal(MINIMUM_PIN_LENGTH, 12);
  });

  it('uses the 32-symbol alphabet only, and both sources change the PIN', () => {
    const token = new Uint8Array(32).fill(1);
    const os = new Uint8Array(32).fill(2);
    const pin = derivePin(token, os, 'user-pin', 24);
    assert.equal(pin.length, 24);
    assert.match(text(pin), /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{24}$/);
    assert.equal(PIN_ALPHABET.length, 32);
    assert.notEqual(text(derivePin(new Uint8Array(32).fill(3), os, 'user-pin', 24)), text(pin), 'the token bytes count');
    assert.notEqual(text(derivePin(token, new Uint8Array(32).fill(3), 'user-pin', 24)), text(pin), 'the OS bytes count');
    assert.notEqual(text(derivePin(token, os, 'so-pin', 24)), text(pin), 'the two PINs differ for the same inputs');
    assert.equal(text(derivePin(token, os, 'user-pin', 24)), text(pin), 'deterministic in its inputs');
  });

  it('draws two different PINs, asks the token for 32 bytes each, overwrites what it got, and says where entropy came from', async () => {
    const given: Uint8Array[] = [];
    const { secrets, entropy } = await generatePins(async (length) => {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      given.push(bytes);
      return bytes;
    }, { minPinLength: 4, maxPinLength: 255 });
    assert.equal(entropy, 'token-and-os');
    assert.deepEqual(given.map((b) => b.length), [32, 32]);
    assert.ok(given.every((b) => b.every((x) => x === 0)), 'the token bytes were overwritten');
    assert.notEqual(text(secrets['user-pin']), text(secrets['so-pin']));
    const alone = await generatePins(async () => null, { minPinLength: 4, maxPinLength: 255 });
    assert.equal(alone.entropy, 'os-only');
    assert.equal(alone.secrets['user-pin'].length, 24);
  });

  it('refuses a token RNG that returns the wrong amount', async () => {
    await assert.rejects(generatePins(async () => new Uint8Array(5), { minPinLength: 4, maxPinLength: 255 }), (e: { code?: string }) => e.code === 'TOKEN_RNG_FAILED');
  });
});
