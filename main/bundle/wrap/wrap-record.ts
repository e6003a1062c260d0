// The wrapped key material of a bundle, as it appears in the signed manifest
// (docs/bundle.md, "wrap"). Shared by the wrap methods (which produce it), the bundle
// format (which signs and parses it) and the import side (which unwraps from it).
// Every byte string is standard base64; every field is checked strictly on parse.
import { z } from 'zod';

const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'expected standard base64').max(65536);

/** Hash inside RSA-OAEP (and its MGF1). SHA-1 only where the token offers nothing better; recorded so an importer can refuse it. */
export const OAEP_HASHES = ['sha256', 'sha1'] as const;
export type OaepHash = (typeof OAEP_HASHES)[number];

export const WRAP_METHODS = ['rsa-oaep', 'rsa-aes-kwp', 'ecdh-aes-kwp', 'transport-kek-kwp'] as const;
export type WrapMethod = (typeof WRAP_METHODS)[number];

export const WrapRecordSchema = z.discriminatedUnion('method', [
  /** The key itself encrypted to the recipient's RSA public key with RSA-OAEP (keys small enough for OAEP: AES keys). */
  z.strictObject({
    method: z.literal('rsa-oaep'),
    oaepHash: z.enum(OAEP_HASHES),
    wrappedKey: base64,
  }),
  /**
   * CKM_RSA_AES_KEY_WRAP layout (also AWS KMS RSA_AES_KEY_WRAP_SHA_256): an ephemeral AES-256
   * key encrypted with RSA-OAEP, followed by the key wrapped under it with AES key wrap with
   * padding (RFC 5649). `wrappedKey` is the concatenation; the first modulus-length bytes are the OAEP part.
   */
  z.strictObject({
    method: z.literal('rsa-aes-kwp'),
    oaepHash: z.enum(OAEP_HASHES),
    wrappedKey: base64,
  }),
  /** ECDH (ephemeral key pair, recipient's EC public key) derives an AES-256 key; the key is wrapped under it with RFC 5649. */
  z.strictObject({
    method: z.literal('ecdh-aes-kwp'),
    curve: z.enum(['p-256', 'p-384']),
    /** The ephemeral public key as SubjectPublicKeyInfo DER, base64. */
    ephemeralPublicKey: base64,
    /** The PKCS#11 key derivation function applied to the shared secret. */
    kdf: z.enum(['null', 'sha256']),
    wrappedKey: base64,
  }),
  /** Wrapped with RFC 5649 under an AES-256 transport key-encryption key that the recipient's HSM already holds. */
  z.strictObject({
    method: z.literal('transport-kek-kwp'),
    /** The transport KEK's label on both tokens. */
    kekLabel: z.string().min(1).max(128),
    /** Key check value of the transport KEK (hex): lets the recipient name a wrong KEK before unwrapping. */
    kekCheckValue: z.string().regex(/^[0-9a-f]{6,64}$/),
    wrappedKey: base64,
  }),
]);
export type WrapRecord = z.output<typeof WrapRecordSchema>;

/** Who a bundle is for, as the manifest names it. `keyFingerprint` is the SHA-256 of the recipient's SubjectPublicKeyInfo (hex), or the transport KEK's check value. */
export const RecipientRecordSchema = z.strictObject({
  name: z.string().min(1).max(128),
  kind: z.enum(['rsa', 'ec', 'transport-kek', 'aws-kms']),
  keyFingerprint: z.string().regex(/^[0-9a-f]{6,64}$/),
  /** AWS KMS only: the wrapping algorithm and the import token from GetParametersForImport (base64), handed to ImportKeyMaterial. */
  awsKms: z
    .strictObject({
      wrappingAlgorithm: z.enum(['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256']),
      keyId: z.string().min(1).max(2048).optional(),
      importToken: base64,
    })
    .optional(),
});
export type RecipientRecord = z.output<typeof RecipientRecordSchema>;

/** A recipient's key as a sender uses it to wrap (parsed from the script or the recipient's files). */
export type RecipientKey =
  | { kind: 'rsa'; name: string; spki: Uint8Array }
  | { kind: 'ec'; name: string; spki: Uint8Array }
  | { kind: 'transport-kek'; name: string; kekLabel: string }
  | { kind: 'aws-kms'; name: string; spki: Uint8Array; wrappingAlgorithm: 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_256'; importToken: Uint8Array; keyId?: string };
