// The signed key bundle (docs/bundle.md): format, signing in the HSM, strict parsing and
// verification against a pinned root key.
export { BUNDLE_SIGNATURE_ALGORITHMS, ECDSA_PROFILES, type BundleSignatureAlgorithm, type EcdsaProfile } from './ecdsa';
export { encodeBundle, type BundleSignature } from './encode';
export { bundleError, type BundleErrorCode } from './errors';
export { parseBundle, type ParsedBundle } from './parse';
export { BUNDLE_SIGNATURE_DOMAIN, bundleSignaturePayload } from './payload';
export { issuerOf, rootKeyFromPem, rootKeyFromSpki, type Issuer, type RootKey } from './root-key';
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleManifestSchema,
  BundleSchema,
  KEY_ALGORITHMS,
  KEY_USAGES,
  MAX_BUNDLE_BYTES,
  type BundleDocument,
  type BundleManifest,
  type KeyUsage,
} from './schema';
export { signBundle, type BundleSigningHsm } from './sign';
export { bundleFileName, bundleSummary, type BundleNaming } from './summary';
export { DEFAULT_CLOCK_TOLERANCE_MS, verifyBundle, type ExpectedRecipient, type VerifiedBundle, type VerifyBundleOptions } from './verify';
