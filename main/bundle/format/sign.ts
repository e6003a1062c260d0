// Signing a bundle with the ceremony's root signing key inside the HSM: the token hashes
// and signs the domain-separated manifest (CKM_ECDSA_SHA256 or _SHA384) and returns
// r || s; s is brought into the lower half, the signature is checked against the key's
// public half before anything is returned, and the bundle is read back through the same
// strict parser an importer uses.
import type { PublicKeyExport, ObjectHandle, SignMechanism } from '../../../native/hsm/protocol';
import { bundleError } from './errors';
import { normalizeLowS, profileOfKey, publicKeyFromSpki, verifyRaw } from './ecdsa';
import { encodeBundle } from './encode';
import { describeFirstIssue } from './issues';
import { parseBundle } from './parse';
import { bundleSignaturePayload } from './payload';
import { issuerOf } from './root-key';
import { BundleManifestSchema, type BundleManifest } from './schema';

/** The slice of the HSM client signing needs (HsmClient has it). */
export interface BundleSigningHsm {
  sign(request: { key: ObjectHandle; mechanism: SignMechanism; data: Uint8Array }): Promise<Uint8Array>;
  exportPublicKey(handle: ObjectHandle): Promise<PublicKeyExport>;
}

function checkedManifest(manifest: BundleManifest): BundleManifest {
  const parsed = BundleManifestSchema.safeParse(manifest);
  if (parsed.success) return parsed.data;
  const { path, problem } = describeFirstIssue(parsed.error, manifest);
  throw bundleError('BUNDLE_MANIFEST_INVALID', `The bundle manifest is not valid at manifest.${path}: ${problem}.`, 'Nothing was signed. Correct the export step (key, recipient, expiry) and export again.');
}

/**
 * Signs `manifest` with the private key `keyHandle` (the root signing key, EC P-256 or
 * P-384, logged in) and returns the bundle's bytes. The manifest's issuer must be that
 * key (see issuerOf).
 */
export async function signBundle(hsm: BundleSigningHsm, keyHandle: ObjectHandle, manifest: BundleManifest): Promise<Uint8Array> {
  const checked = checkedManifest(manifest);
  const exported = await hsm.exportPublicKey(keyHandle);
  const publicKey = publicKeyFromSpki(exported.spki);
  const profile = publicKey ? profileOfKey(publicKey) : null;
  if (!publicKey || !profile) {
    throw bundleError(
      'BUNDLE_SIGNING_KEY_UNSUPPORTED',
      `The signing key is a ${exported.algorithm} key; bundles are signed with an EC P-256 or P-384 root key.`,
      'Sign bundles with the ceremony\'s EC root signing key.',
    );
  }
  const issuer = issuerOf(exported.spki);
  if (issuer.keyFingerprint !== checked.issuer.keyFingerprint) {
    throw bundleError(
      'BUNDLE_ISSUER_MISMATCH',
      `The manifest names the issuer key ${checked.issuer.keyFingerprint.slice(0, 16)}…, but the key on the token hashes to ${issuer.keyFingerprint.slice(0, 16)}….`,
      'Build the issuer field from the signing key itself (issuerOf its public key); nothing was signed.',
    );
  }
  const payload = bundleSignaturePayload(checked);
  const raw = await hsm.sign({ key: keyHandle, mechanism: profile.mechanism, data: payload });
  if (raw.length !== profile.fieldBytes * 2) {
    throw bundleError(
      'BUNDLE_SIGNATURE_SELF_CHECK_FAILED',
      `The HSM returned a ${raw.length}-byte signature; an ${profile.curveName} signature r || s is ${profile.fieldBytes * 2} bytes.`,
      'Record an exception; do not export with this token until the module is checked.',
    );
  }
  const value = normalizeLowS(raw, profile);
  if (!verifyRaw(publicKey, profile, payload, value)) {
    throw bundleError(
      'BUNDLE_SIGNATURE_SELF_CHECK_FAILED',
      "The root key's signature over the bundle does not verify against its own public key.",
      'Record an exception; do not export with this token until the module is checked.',
    );
  }
  const bytes = encodeBundle(checked, { algorithm: profile.algorithm, value });
  parseBundle(bytes);
  return bytes;
}
