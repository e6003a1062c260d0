// Which PKCS#11 mechanism, with which parameters, carries out each signature and wrap
// algorithm Conclave offers, given the token's mechanism list. Pure, so the exact
// parameter structures (OAEP hash and MGF, PSS salt) are checked by unit tests even where
// the token at hand (SoftHSM2 2.6 and OAEP-SHA-256) cannot exercise them.
import { createHash } from 'node:crypto';
import type { Mechanism as Pkcs11Mechanism, RsaOAEP, RsaPSS } from 'pkcs11js';
import {
  CKG_MGF1_SHA1,
  CKG_MGF1_SHA256,
  CKK_EC,
  CKK_EC_EDWARDS,
  CKK_RSA,
  CKM_AES_KEY_WRAP_PAD,
  CKM_ECDSA,
  CKM_ECDSA_SHA256,
  CKM_ECDSA_SHA384,
  CKM_EDDSA,
  CKM_RSA_PKCS_OAEP,
  CKM_SHA256,
  CKM_SHA256_RSA_PKCS,
  CKM_SHA256_RSA_PKCS_PSS,
  CKM_SHA_1,
  CKZ_DATA_SPECIFIED,
  CK_PARAMS_RSA_OAEP,
  CK_PARAMS_RSA_PSS,
} from './pkcs11-constants';
import type { SignMechanism, WrapMechanism } from './protocol';

const PSS_SHA256: RsaPSS = { type: CK_PARAMS_RSA_PSS, hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, saltLen: 32 };
const OAEP_SHA256: RsaOAEP = { type: CK_PARAMS_RSA_OAEP, hashAlg: CKM_SHA256, mgf: CKG_MGF1_SHA256, source: CKZ_DATA_SPECIFIED };
const OAEP_SHA1: RsaOAEP = { type: CK_PARAMS_RSA_OAEP, hashAlg: CKM_SHA_1, mgf: CKG_MGF1_SHA1, source: CKZ_DATA_SPECIFIED };

export interface MechanismPlan {
  mech: Pkcs11Mechanism;
  /** The mechanism the token must list for this plan. */
  needs: number;
  /** What needs it, for the error when the token lacks it. */
  purpose: string;
}

export interface SigningPlan extends MechanismPlan {
  /** What the token signs: the data, or its digest where the token hashes nothing itself. */
  input: Uint8Array;
}

export function signingPlan(mechanism: SignMechanism, available: ReadonlySet<number>, data: Uint8Array): SigningPlan {
  switch (mechanism) {
    case 'ecdsa-sha256':
    case 'ecdsa-sha384': {
      const combined = mechanism === 'ecdsa-sha256' ? CKM_ECDSA_SHA256 : CKM_ECDSA_SHA384;
      if (available.has(combined)) return { mech: { mechanism: combined }, needs: combined, purpose: `signing with ${mechanism}`, input: data };
      // Tokens without the combined mechanism (SoftHSM2 among them) sign a digest made here.
      const digest = createHash(mechanism === 'ecdsa-sha256' ? 'sha256' : 'sha384').update(data).digest();
      return { mech: { mechanism: CKM_ECDSA }, needs: CKM_ECDSA, purpose: `signing with ${mechanism}`, input: Uint8Array.from(digest) };
    }
    case 'eddsa':
      return { mech: { mechanism: CKM_EDDSA }, needs: CKM_EDDSA, purpose: 'signing with EdDSA', input: data };
    case 'rsa-pss-sha256':
      return {
        mech: {
          mechanism: CKM_SHA256_RSA_PKCS_PSS,
          parameter: PSS_SHA256,
        },
        needs: CKM_SHA256_RSA_PKCS_PSS,
        purpose: 'signing with RSA-PSS SHA-256',
        input: data,
      };
    case 'rsa-pkcs1-sha256':
      return { mech: { mechanism: CKM_SHA256_RSA_PKCS }, needs: CKM_SHA256_RSA_PKCS, purpose: 'signing with RSA PKCS#1 v1.5 SHA-256', input: data };
  }
}

export function wrapPlan(mechanism: WrapMechanism): MechanismPlan {
  if (mechanism === 'aes-key-wrap-pad') {
    return { mech: { mechanism: CKM_AES_KEY_WRAP_PAD }, needs: CKM_AES_KEY_WRAP_PAD, purpose: 'AES key wrap with padding (RFC 5649)' };
  }
  const sha256 = mechanism === 'rsa-oaep-sha256';
  return {
    mech: {
      mechanism: CKM_RSA_PKCS_OAEP,
      parameter: sha256 ? OAEP_SHA256 : OAEP_SHA1,
    },
    needs: CKM_RSA_PKCS_OAEP,
    purpose: 'RSA-OAEP key wrapping',
  };
}

/** The key type (CKK_*) a signature mechanism works with. */
export function keyTypeForSignature(mechanism: SignMechanism): number {
  if (mechanism.startsWith('ecdsa')) return CKK_EC;
  return mechanism === 'eddsa' ? CKK_EC_EDWARDS : CKK_RSA;
}
