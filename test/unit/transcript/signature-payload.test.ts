// The exact bytes a checkpoint or seal signature signs (docs/transcript.md, "Signatures").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signaturePayload } from '../../../main/transcript/signature-payload';

describe('signaturePayload', () => {
  test('is the domain line, the ceremony id, the decimal seq and the hash, separated by single newlines', () => {
    const hash = '43b3376d0ea90528ea599953fe582956fa5cf0e59f98aa23f173e621d581b7a7';
    const bytes = signaturePayload('vector-root-2025-01', 9, hash);
    assert.equal(Buffer.from(bytes).toString('hex'), Buffer.from(`conclave-transcript-signature-v1\nvector-root-2025-01\n9\n${hash}`, 'ascii').toString('hex'));
    assert.equal(bytes.length, 119);
    assert.equal(bytes[bytes.length - 1], 0x37, 'no newline at the end');
    assert.equal(Buffer.from(signaturePayload('c', 120, hash)).toString().split('\n')[2], '120');
  });

  test('refuses inputs that would make the payload ambiguous', () => {
    const hash = 'a'.repeat(64);
    assert.throws(() => signaturePayload('c', -1, hash), RangeError);
    assert.throws(() => signaturePayload('c', 1.5, hash), RangeError);
    assert.throws(() => signaturePayload('c', 1, 'A'.repeat(64)), RangeError);
    assert.throws(() => signaturePayload('c\n2', 1, hash), RangeError);
  });
});
