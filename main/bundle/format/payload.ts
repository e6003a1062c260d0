// What the root key signs (docs/bundle.md, "Signature"): the ASCII bytes of
//   "conclave-key-bundle/v1\n" || canonical JSON of the manifest
// The domain line keeps a bundle signature from being mistaken for any other signature
// the root key makes (certificates, transcript checkpoints), and the other way round.
import { canonicalJson } from '../../quorum/canonical-json';
import type { BundleManifest } from './schema';

export const BUNDLE_SIGNATURE_DOMAIN = 'conclave-key-bundle/v1\n';

export function bundleSignaturePayload(manifest: BundleManifest): Uint8Array {
  return new TextEncoder().encode(BUNDLE_SIGNATURE_DOMAIN + canonicalJson(manifest));
}
