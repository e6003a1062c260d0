// The bundle's fields, strictly (docs/bundle.md, "Fields"): every object has exactly the
// fields listed, every value its type, range and pattern, and the manifest's parts agree
// with each other (the wrap method suits the recipient, a key pair names its public key).
// The wrapped material and the recipient are the shared records of main/bundle/wrap.
import { z } from 'zod';
import type { KeySpecType } from '../../../native/hsm/protocol';
import { digestWords, FINGERPRINT_WORDS } from '../../quorum/fingerprint';
import { base64, count, hex64, isoUtcMs, text } from '../../transcript/fields';
import { RecipientRecordSchema, WrapRecordSchema } from '../wrap/wrap-record';
import { BUNDLE_SIGNATURE_ALGORITHMS, ECDSA_PROFILES } from './ecdsa';

export const BUNDLE_FORMAT = 'conclave-key-bundle';
export const BUNDLE_VERSION = 1;
/** Far above any real bundle (an RSA-4096 private key wrapped for AWS KMS is about 8 KiB), low enough to refuse junk early. */
export const MAX_BUNDLE_BYTES = 131072;

/** The key types a token generates (native/hsm/protocol KeySpecType), as the manifest names them. */
export const KEY_ALGORITHMS = ['aes-256', 'ec-p256', 'ec-p384', 'ed25519', 'rsa-3072', 'rsa-4096'] as const satisfies readonly KeySpecType[];
// Fails to compile when the token gains a key type the manifest cannot name.
const everyKeyType: Exclude<KeySpecType, (typeof KEY_ALGORITHMS)[number]> extends never ? true : false = true;
void everyKeyType;

/** What the recipient's HSM lets the imported key do (docs/bundle.md, "key.usage"). */
export const KEY_USAGES = ['sign', 'encrypt', 'wrap'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

/** Cross-field rules run only on fields that are each valid, so they never see (or trip over) a malformed value. */
const whenFieldsValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

const ceremonyId = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected a ceremony id of 1 to 128 letters, digits, ".", "_" or "-"');

const IssuerSchema = z
  .strictObject({
    /** SHA-256 of the root signing key's SubjectPublicKeyInfo (DER), lower-case hex. */
    keyFingerprint: hex64,
    /** The same digest's first 66 bits as six BIP-39 English words. */
    words: z.array(z.string().regex(/^[a-z]{3,8}$/, 'expected a BIP-39 English word')).length(FINGERPRINT_WORDS),
  })
  .refine((value) => digestWords(Buffer.from(value.keyFingerprint, 'hex')).join(' ') === value.words.join(' '), {
    path: ['words'],
    message: 'the words do not spell the key fingerprint',
    ...whenFieldsValid,
  });

const KeyMetadataSchema = z
  .strictObject({
    /** CKA_ID on the exporting token, lower-case hex. */
    id: z.string().regex(/^(?:[0-9a-f]{2}){1,64}$/, 'expected the key id (CKA_ID) as 1 to 64 bytes of lower-case hex'),
    label: text(128),
    algorithm: z.enum(KEY_ALGORITHMS),
    usage: z.enum(KEY_USAGES),
    version: z.int().min(1).max(2147483647),
    /** SHA-256 (hex) of the key pair's public key (SPKI DER); null for a secret key. */
    publicKeyFingerprint: hex64.nullable(),
  })
  .refine((value) => (value.algorithm === 'aes-256') === (value.publicKeyFingerprint === null), {
    path: ['publicKeyFingerprint'],
    message: 'a key pair names its public key fingerprint and a secret key has none (null)',
    ...whenFieldsValid,
  });

const TranscriptHeadSchema = z.strictObject({
  /** Sequence number of the transcript's last entry when the bundle was made. */
  seq: count,
  /** That entry's hash. */
  hash: hex64,
});

/** The wrap methods each recipient kind can receive. */
const METHODS_FOR_KIND: Record<string, readonly string[]> = {
  rsa: ['rsa-oaep', 'rsa-aes-kwp'],
  ec: ['ecdh-aes-kwp'],
  'transport-kek': ['transport-kek-kwp'],
  'aws-kms': ['rsa-oaep', 'rsa-aes-kwp'],
};
const AWS_METHOD = { RSAES_OAEP_SHA_256: 'rsa-oaep', RSA_AES_KEY_WRAP_SHA_256: 'rsa-aes-kwp' } as const;

export const BundleManifestSchema = z
  .strictObject({
    ceremonyId,
    transcriptHead: TranscriptHeadSchema,
    exportedAt: isoUtcMs,
    expiresAt: isoUtcMs,
    rehearsal: z.boolean(),
    issuer: IssuerSchema,
    recipient: RecipientRecordSchema,
    key: KeyMetadataSchema,
    wrap: WrapRecordSchema,
  })
  .superRefine((m, ctx) => {
    if (Date.parse(m.expiresAt) <= Date.parse(m.exportedAt)) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'the bundle must expire after it was exported' });
    }
    const methods = METHODS_FOR_KIND[m.recipient.kind] ?? [];
    if (!methods.includes(m.wrap.method)) {
      ctx.addIssue({ code: 'custom', path: ['wrap', 'method'], message: `a ${m.recipient.kind} recipient receives ${methods.join(' or ')}, not ${m.wrap.method}` });
    }
    if ((m.recipient.kind === 'aws-kms') !== (m.recipient.awsKms !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['recipient', 'awsKms'], message: 'awsKms is given exactly for an aws-kms recipient' });
    }
    if (m.recipient.awsKms) {
      const expected = AWS_METHOD[m.recipient.awsKms.wrappingAlgorithm];
      if (m.wrap.method !== expected || !('oaepHash' in m.wrap) || m.wrap.oaepHash !== 'sha256') {
        ctx.addIssue({ code: 'custom', path: ['wrap'], message: `${m.recipient.awsKms.wrappingAlgorithm} needs the ${expected} method with oaepHash sha256` });
      }
    }
    if (m.wrap.method === 'transport-kek-kwp' && m.wrap.kekCheckValue !== m.recipient.keyFingerprint) {
      ctx.addIssue({ code: 'custom', path: ['wrap', 'kekCheckValue'], message: "the transport KEK's check value differs from the recipient's keyFingerprint" });
    }
  }, whenFieldsValid);
export type BundleManifest = z.output<typeof BundleManifestSchema>;

const SignatureSchema = z
  .strictObject({
    algorithm: z.enum(BUNDLE_SIGNATURE_ALGORITHMS),
    /** r || s, each as long as the curve's order, standard base64. */
    value: base64(96, 64),
  })
  .refine((value) => Buffer.from(value.value, 'base64').length === ECDSA_PROFILES[value.algorithm].fieldBytes * 2, {
    path: ['value'],
    message: 'expected r || s of exactly the curve size (64 bytes for P-256, 96 for P-384)',
    ...whenFieldsValid,
  });

export const BundleSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  manifest: BundleManifestSchema,
  signature: SignatureSchema,
});
export type BundleDocument = z.output<typeof BundleSchema>;
