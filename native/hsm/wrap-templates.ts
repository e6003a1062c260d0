// Templates and mechanism parameters for the short-lived objects that wrapping a key for a
// recipient needs: the recipient's RSA public key as a session object, an ephemeral AES
// key (CKM_RSA_AES_KEY_WRAP done in steps), ephemeral ECDH key pairs and the keys derived
// from them, and the public test key of the key check value. Every one is a session object
// (gone when the session closes, destroyed by its caller before that) except a derived
// transport KEK, which is a token object with the same protection as a generated key.
// Pure, so the exact attributes are unit-tested without a token.
import type { ECDH1, Mechanism as Pkcs11Mechanism } from 'pkcs11js';
import { attributeName, type AttributeValue, type TemplateAttribute } from './key-templates';
import {
  CKA_CLASS,
  CKA_DECRYPT,
  CKA_DERIVE,
  CKA_EC_PARAMS,
  CKA_ENCRYPT,
  CKA_EXTRACTABLE,
  CKA_ID,
  CKA_KEY_TYPE,
  CKA_LABEL,
  CKA_MODULUS,
  CKA_PRIVATE,
  CKA_PUBLIC_EXPONENT,
  CKA_SENSITIVE,
  CKA_SIGN,
  CKA_TOKEN,
  CKA_UNWRAP,
  CKA_VALUE,
  CKA_VALUE_LEN,
  CKA_VERIFY,
  CKA_WRAP,
  CKD_NULL,
  CKD_SHA256_KDF,
  CKK_AES,
  CKK_EC,
  CKK_RSA,
  CKM_ECDH1_DERIVE,
  CKO_PRIVATE_KEY,
  CKO_PUBLIC_KEY,
  CKO_SECRET_KEY,
  CK_PARAMS_EC_DH,
} from './pkcs11-constants';
import type { EcdhCurve, EcdhKdf } from './protocol';
import { ecParamsFor } from './spki';

const attr = (type: number, value: AttributeValue): TemplateAttribute => ({ type, name: attributeName(type), value });

const SECRET_USAGES = [CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE];

/** Every usage of a secret key set explicitly: those in `allowed` true, the rest false. */
function secretUsages(allowed: number[]): TemplateAttribute[] {
  return SECRET_USAGES.map((u) => attr(u, allowed.includes(u)));
}

/**
 * The key check value's test key (docs/key-wrapping.md, "Key check value"): the 32 bytes
 * 00 01 02 … 1f. Public by design; the check value is SHA-256 of its RFC 5649 wrap.
 */
export const CHECK_VALUE_TEST_KEY: Uint8Array = Uint8Array.from({ length: 32 }, (_, i) => i);
/** Bytes of the SHA-256 digest that make up the check value (16 hex digits). */
export const CHECK_VALUE_BYTES = 8;

export interface CreateTemplate {
  /** What C_CreateObject / C_GenerateKey / C_DeriveKey / C_UnwrapKey gets. */
  create: TemplateAttribute[];
  /** What must read back afterwards (never CKA_VALUE: a mismatch message would show it). */
  expect: TemplateAttribute[];
}

/** The recipient's RSA public key as a session object that can only wrap. */
export function wrappingPublicKeyTemplate(modulus: Uint8Array, publicExponent: Uint8Array): CreateTemplate {
  const create = [
    attr(CKA_CLASS, CKO_PUBLIC_KEY),
    attr(CKA_KEY_TYPE, CKK_RSA),
    attr(CKA_TOKEN, false),
    attr(CKA_PRIVATE, false),
    attr(CKA_MODULUS, modulus),
    attr(CKA_PUBLIC_EXPONENT, publicExponent),
    attr(CKA_WRAP, true),
    attr(CKA_ENCRYPT, false),
    attr(CKA_VERIFY, false),
    attr(CKA_DERIVE, false),
  ];
  return { create, expect: create };
}

/**
 * The ephemeral AES-256 key of RSA-AES key wrap: it wraps the target (RFC 5649) and is
 * then itself wrapped with RSA-OAEP, so it must be extractable; it stays sensitive and is
 * destroyed right after.
 */
export function ephemeralWrapKeyTemplate(): CreateTemplate {
  const create = [
    attr(CKA_CLASS, CKO_SECRET_KEY),
    attr(CKA_KEY_TYPE, CKK_AES),
    attr(CKA_VALUE_LEN, 32),
    attr(CKA_TOKEN, false),
    attr(CKA_PRIVATE, true),
    attr(CKA_SENSITIVE, true),
    attr(CKA_EXTRACTABLE, true),
    ...secretUsages([CKA_WRAP]),
  ];
  return { create, expect: create };
}

/** An ephemeral ECDH key pair: the private half derives only and never leaves the token. */
export function ephemeralEcPairTemplates(curve: EcdhCurve): { publicKey: CreateTemplate; privateKey: CreateTemplate } {
  const publicKey = [
    attr(CKA_CLASS, CKO_PUBLIC_KEY),
    attr(CKA_KEY_TYPE, CKK_EC),
    attr(CKA_TOKEN, false),
    attr(CKA_PRIVATE, false),
    attr(CKA_EC_PARAMS, ecParamsFor(curve)),
    attr(CKA_ENCRYPT, false),
    attr(CKA_VERIFY, false),
    attr(CKA_WRAP, false),
    attr(CKA_DERIVE, false),
  ];
  const privateKey = [
    attr(CKA_CLASS, CKO_PRIVATE_KEY),
    attr(CKA_KEY_TYPE, CKK_EC),
    attr(CKA_TOKEN, false),
    attr(CKA_PRIVATE, true),
    attr(CKA_SENSITIVE, true),
    attr(CKA_EXTRACTABLE, false),
    attr(CKA_DERIVE, true),
    attr(CKA_SIGN, false),
    attr(CKA_DECRYPT, false),
    attr(CKA_UNWRAP, false),
  ];
  return { publicKey: { create: publicKey, expect: publicKey }, privateKey: { create: privateKey, expect: privateKey } };
}

/** Where an ECDH-derived AES-256 key goes: a session key that only wraps or only unwraps, or a token KEK (both). */
export type DerivedKeyPlacement = { store: 'session'; use: 'wrap' | 'unwrap' } | { store: 'token'; label: Uint8Array; id: Uint8Array };

export function derivedKeyTemplate(placement: DerivedKeyPlacement): CreateTemplate {
  const usages =
    placement.store === 'token' ? [CKA_WRAP, CKA_UNWRAP] : placement.use === 'wrap' ? [CKA_WRAP] : [CKA_UNWRAP];
  const common = [
    attr(CKA_CLASS, CKO_SECRET_KEY),
    attr(CKA_KEY_TYPE, CKK_AES),
    ...(placement.store === 'token' ? [attr(CKA_LABEL, placement.label), attr(CKA_ID, placement.id)] : []),
    attr(CKA_TOKEN, placement.store === 'token'),
    attr(CKA_PRIVATE, true),
    attr(CKA_SENSITIVE, true),
    attr(CKA_EXTRACTABLE, false),
    ...secretUsages(usages),
  ];
  // CKA_VALUE_LEN is asked for but not read back: some tokens (SoftHSM2) report 0 for
  // keys they did not generate themselves.
  return { create: [...common, attr(CKA_VALUE_LEN, 32)], expect: common };
}

/** The check value's public test key as a session object that may be wrapped and do nothing else. */
export function checkValueTestKeyTemplate(): CreateTemplate {
  const common = [
    attr(CKA_CLASS, CKO_SECRET_KEY),
    attr(CKA_KEY_TYPE, CKK_AES),
    attr(CKA_TOKEN, false),
    attr(CKA_PRIVATE, false),
    attr(CKA_SENSITIVE, false),
    attr(CKA_EXTRACTABLE, true),
    ...secretUsages([]),
  ];
  return { create: [...common, attr(CKA_VALUE, CHECK_VALUE_TEST_KEY)], expect: common };
}

export const KDF_VALUES: Record<EcdhKdf, number> = { null: CKD_NULL, sha256: CKD_SHA256_KDF };

/** CKM_ECDH1_DERIVE with the peer's uncompressed point and no shared data. */
export function ecdhMechanism(kdf: EcdhKdf, peerPoint: Uint8Array): Pkcs11Mechanism {
  const parameter: ECDH1 = { type: CK_PARAMS_EC_DH, kdf: KDF_VALUES[kdf], publicData: Buffer.from(peerPoint.buffer, peerPoint.byteOffset, peerPoint.byteLength) };
  return { mechanism: CKM_ECDH1_DERIVE, parameter };
}
