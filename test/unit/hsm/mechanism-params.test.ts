// The mechanisms and parameter structures behind each signature and wrap algorithm.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyTypeForSignature, signingPlan, wrapPlan } from '../../../native/hsm/mechanism-params';

const data = new TextEncoder().encode('payload');

describe('mechanism parameters', () => {
  it('uses RSA-OAEP with SHA-256 and MGF1-SHA-256 (CK_RSA_PKCS_OAEP_PARAMS) for rsa-oaep-sha256', () => {
    assert.deepEqual(wrapPlan('rsa-oaep-sha256').mech, {
      mechanism: 0x9,
      parameter: { type: 4, hashAlg: 0x250, mgf: 0x2, source: 0x1 },
    });
    assert.deepEqual(wrapPlan('rsa-oaep-sha1').mech, { mechanism: 0x9, parameter: { type: 4, hashAlg: 0x220, mgf: 0x1, source: 0x1 } });
    assert.deepEqual(wrapPlan('aes-key-wrap-pad'), { mech: { mechanism: 0x210a }, needs: 0x210a, purpose: 'AES key wrap with padding (RFC 5649)' });
  });

  it('uses RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt', () => {
    const plan = signingPlan('rsa-pss-sha256', new Set([0x43]), data);
    assert.deepEqual(plan.mech, { mechanism: 0x43, parameter: { type: 5, hashAlg: 0x250, mgf: 0x2, saltLen: 32 } });
    assert.equal(plan.input, data);
    assert.equal(signingPlan('rsa-pkcs1-sha256', new Set(), data).needs, 0x40);
    assert.equal(signingPlan('eddsa', new Set(), data).mech.mechanism, 0x1057);
  });

  it('uses CKM_ECDSA_SHA256/384 where the token has them, and hashes here for plain CKM_ECDSA otherwise', () => {
    assert.deepEqual(signingPlan('ecdsa-sha256', new Set([0x1041, 0x1044]), data).mech, { mechanism: 0x1044 });
    assert.equal(signingPlan('ecdsa-sha384', new Set([0x1045]), data).input, data);
    const fallback = signingPlan('ecdsa-sha384', new Set([0x1041]), data);
    assert.deepEqual(fallback.mech, { mechanism: 0x1041 });
    assert.equal(fallback.needs, 0x1041);
    assert.deepEqual(fallback.input, new Uint8Array(createHash('sha384').update(data).digest()));
  });

  it('pairs each signature with its key type', () => {
    assert.equal(keyTypeForSignature('ecdsa-sha256'), 0x3);
    assert.equal(keyTypeForSignature('eddsa'), 0x40);
    assert.equal(keyTypeForSignature('rsa-pss-sha256'), 0x0);
  });
});
