// A bundle's bytes: the canonical JSON (7-bit ASCII, no trailing newline) of
// {format, manifest, signature, version}. The same bytes go to media and into QR codes.
import { canonicalBytes } from '../../quorum/canonical-json';
import { toBase64 } from '../../quorum/bytes';
import { ECDSA_PROFILES, type BundleSignatureAlgorithm } from './ecdsa';
import { BUNDLE_FORMAT, BUNDLE_VERSION, MAX_BUNDLE_BYTES, type BundleManifest } from './schema';

export interface BundleSignature {
  algorithm: BundleSignatureAlgorithm;
  /** r || s as the HSM returned it, s already in the lower half (see ecdsa.ts). */
  value: Uint8Array;
}

export function encodeBundle(manifest: BundleManifest, signature: BundleSignature): Uint8Array {
  const profile = ECDSA_PROFILES[signature.algorithm];
  if (signature.value.length !== profile.fieldBytes * 2) {
    throw new RangeError(`encodeBundle: an ${signature.algorithm} signature is ${profile.fieldBytes * 2} bytes, got ${signature.value.length}`);
  }
  const bytes = canonicalBytes({
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    manifest,
    signature: { algorithm: signature.algorithm, value: toBase64(signature.value) },
  });
  if (bytes.length > MAX_BUNDLE_BYTES) throw new RangeError(`encodeBundle: the bundle is ${bytes.length} bytes, more than the ${MAX_BUNDLE_BYTES} a bundle may have`);
  return bytes;
}
