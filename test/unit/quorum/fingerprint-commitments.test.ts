// Fingerprints (hex groups and BIP-39 words) and the domain-separated commitments and
// digests, recomputed here with node:crypto from the byte layouts in docs/share-envelope.md.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { secretDigest, shareCommitment } from '../../../main/quorum/commitments';
import { compactFingerprint, digestWords, fingerprintOf } from '../../../main/quorum/fingerprint';

const lp = (b: Buffer) => Buffer.concat([Buffer.from([b.length >>> 24, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255]), b]);

test('fingerprint: SHA-256 hex in 16 groups of 4, and the first 66 bits as six words', () => {
  const bytes = new TextEncoder().encode('{"format":"conclave-share-envelope"}');
  const digest = createHash('sha256').update(bytes).digest();
  const fp = fingerprintOf(bytes);
  assert.equal(compactFingerprint(fp), digest.toString('hex'));
  assert.match(fp.hex, /^[0-9a-f]{4}( [0-9a-f]{4}){15}$/);
  const bits = BigInt(`0x${digest.toString('hex')}`) >> BigInt(256 - 66);
  const expected = Array.from({ length: 6 }, (_, i) => wordlist[Number((bits >> BigInt(55 - 11 * i)) & 2047n)]);
  assert.deepEqual(fp.words, expected);
});

test('digestWords on edge patterns', () => {
  assert.deepEqual(digestWords(new Uint8Array(32)), Array(6).fill('abandon'));
  assert.deepEqual(digestWords(new Uint8Array(32).fill(255)), Array(6).fill('zoo'));
  // 0b00000000001 repeated: bit 10, 21, ... set.
  const d = new Uint8Array(32);
  for (let w = 0; w < 6; w++) {
    const bit = w * 11 + 10;
    d[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  assert.deepEqual(digestWords(d), Array(6).fill('ability'));
});

test('share commitment and secret digest byte layouts', () => {
  const share = Buffer.from('01020304ff', 'hex');
  const expected = createHash('sha256')
    .update(
      Buffer.concat([
        Buffer.from('conclave/share-commitment/v1\0'),
        lp(Buffer.from('cer-1')),
        lp(Buffer.from('ab'.repeat(32))),
        lp(Buffer.from('so-pin')),
        Buffer.from([0, 0, 0, 7]),
        lp(share),
      ]),
    )
    .digest('hex');
  const input = new Uint8Array(share);
  assert.equal(shareCommitment({ ceremonyId: 'cer-1', policyId: 'ab'.repeat(32), secretId: 'so-pin', index: 7, share: input }), expected);
  assert.deepEqual(input, new Uint8Array(share), 'the caller’s share is left intact');
  assert.notEqual(shareCommitment({ ceremonyId: 'cer-1', policyId: 'ab'.repeat(32), secretId: 'user-pin', index: 7, share: input }), expected);
  assert.notEqual(shareCommitment({ ceremonyId: 'cer-1', policyId: 'ab'.repeat(32), secretId: 'so-pin', index: 6, share: input }), expected);

  const secret = Buffer.from('secret-pin-bytes');
  const digest = createHash('sha256')
    .update(Buffer.concat([Buffer.from('conclave/secret-digest/v1\0'), lp(Buffer.from('cer-1')), lp(Buffer.from('user-pin')), lp(secret)]))
    .digest('hex');
  assert.equal(secretDigest({ ceremonyId: 'cer-1', secretId: 'user-pin', secret: new Uint8Array(secret) }), digest);
});
