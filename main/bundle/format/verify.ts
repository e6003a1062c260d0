// Verifying a bundle against the pinned root key (docs/bundle.md, "Verifying a bundle"),
// in this order: the pinned key is usable; the bytes parse strictly and are canonical;
// the issuer is the pinned key; the signature (low s, then ECDSA) holds over the
// domain-separated manifest; the bundle is not from the future and has not expired; a
// rehearsal bundle is allowed; the recipient is the one expected. The first failure is
// thrown; only a bundle that passes everything is returned.
import { bundleError, REFUSE_DAMAGED } from './errors';
import { isLowS, verifyRaw } from './ecdsa';
import { parseBundle } from './parse';
import { bundleSignaturePayload } from './payload';
import { rootKeyFromSpki } from './root-key';
import type { BundleManifest } from './schema';
import type { BundleSignatureAlgorithm } from './ecdsa';

/** How far a bundle's exportedAt may lie ahead of the verifier's clock before the clocks count as wrong. */
export const DEFAULT_CLOCK_TOLERANCE_MS = 10 * 60 * 1000;

export interface ExpectedRecipient {
  /** The recipient's name exactly as the export named it. */
  name?: string;
  /** The recipient key's fingerprint (or the transport KEK's check value), lower-case hex. */
  keyFingerprint?: string;
}

export interface VerifyBundleOptions {
  /** The pinned root public key, DER SubjectPublicKeyInfo. */
  rootPublicKeySpki: Uint8Array;
  now: Date;
  allowRehearsal: boolean;
  expectedRecipient?: ExpectedRecipient;
  clockToleranceMs?: number;
}

export interface VerifiedBundle {
  manifest: BundleManifest;
  bytes: Uint8Array;
  /** SHA-256 of the bundle's bytes (hex). */
  sha256: string;
  signatureAlgorithm: BundleSignatureAlgorithm;
  /** The pinned root key, for the operator to compare with the ceremony's published fingerprint. */
  root: { fingerprint: string; groupedHex: string; words: string[] };
}

const short = (hex: string) => `${hex.slice(0, 16)}…`;

function daysBetween(a: number, b: number): string {
  const days = Math.floor(Math.abs(a - b) / 86_400_000);
  if (days === 0) return 'less than a day';
  return days === 1 ? '1 day' : `${days} days`;
}

export function verifyBundle(bytes: Uint8Array, options: VerifyBundleOptions): VerifiedBundle {
  const root = rootKeyFromSpki(options.rootPublicKeySpki);
  const parsed = parseBundle(bytes);
  const { manifest, signature } = parsed;

  if (manifest.issuer.keyFingerprint !== root.fingerprint) {
    throw bundleError(
      'BUNDLE_WRONG_ISSUER',
      `The bundle names its signer as the key ${short(manifest.issuer.keyFingerprint)} (${manifest.issuer.words.join(' ')}), but the pinned root key is ${short(root.fingerprint)} (${root.words.join(' ')}).`,
      'Check that you gave the right root key: its fingerprint words must match the ones the ceremony published. If they do, this bundle was not issued by that root; do not import it.',
    );
  }
  if (signature.algorithm !== root.profile.algorithm) {
    throw bundleError(
      'BUNDLE_SIGNATURE_INVALID',
      `The bundle's signature is marked ${signature.algorithm}, but the root key is an ${root.profile.curveName} key, which signs with ${root.profile.algorithm}.`,
      REFUSE_DAMAGED,
    );
  }
  if (!isLowS(signature.value, root.profile)) {
    throw bundleError(
      'BUNDLE_SIGNATURE_INVALID',
      "The bundle's signature is not in its one accepted form (r and s in range, s in the lower half of the group order), so it is not the signature the ceremony wrote.",
      REFUSE_DAMAGED,
    );
  }
  if (!verifyRaw(root.key, root.profile, bundleSignaturePayload(manifest), signature.value)) {
    throw bundleError(
      'BUNDLE_SIGNATURE_INVALID',
      `The bundle's signature does not verify with the root key ${short(root.fingerprint)}: the manifest or the wrapped key was changed after signing, or the signature was.`,
      REFUSE_DAMAGED,
    );
  }

  const now = options.now.getTime();
  if (!Number.isFinite(now)) throw new RangeError('verifyBundle: now is not a valid time');
  const exportedAt = Date.parse(manifest.exportedAt);
  const expiresAt = Date.parse(manifest.expiresAt);
  const tolerance = options.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  if (exportedAt > now + tolerance) {
    throw bundleError(
      'BUNDLE_NOT_YET_VALID',
      `The bundle was exported at ${manifest.exportedAt}, which is after this machine's clock (${options.now.toISOString()}): one of the two clocks is wrong, so the expiry cannot be judged.`,
      "Set this machine's clock to the correct UTC time and verify again; if it is right, report the ceremony's wrong clock to the ceremony team.",
    );
  }
  if (now >= expiresAt) {
    throw bundleError(
      'BUNDLE_EXPIRED',
      `The bundle expired at ${manifest.expiresAt} (${daysBetween(now, expiresAt)} ago, by this machine's clock ${options.now.toISOString()}).`,
      'Do not import it. Ask the ceremony team for a fresh export; an expired bundle stays expired.',
    );
  }
  if (manifest.rehearsal && !options.allowRehearsal) {
    throw bundleError(
      'BUNDLE_REHEARSAL',
      `This is a REHEARSAL bundle from ceremony ${manifest.ceremonyId}: it was made on a throwaway token, and production imports refuse it.`,
      'Import the bundle from the real ceremony. To practise an import with this one, allow rehearsal bundles explicitly (--allow-rehearsal).',
    );
  }
  const expected = options.expectedRecipient;
  if (expected?.name !== undefined && expected.name !== manifest.recipient.name) {
    const caseOnly = expected.name.toLowerCase() === manifest.recipient.name.toLowerCase();
    throw bundleError(
      'BUNDLE_WRONG_RECIPIENT',
      `The bundle is for ${JSON.stringify(manifest.recipient.name)}, not for ${JSON.stringify(expected.name)}${caseOnly ? ' (the names differ in upper and lower case)' : ''}.`,
      'Import only bundles made for your team; ask the ceremony team for yours.',
    );
  }
  if (expected?.keyFingerprint !== undefined && expected.keyFingerprint.toLowerCase() !== manifest.recipient.keyFingerprint) {
    throw bundleError(
      'BUNDLE_WRONG_RECIPIENT',
      `The bundle is wrapped for the key ${short(manifest.recipient.keyFingerprint)}, not for your key ${short(expected.keyFingerprint.toLowerCase())}.`,
      'It cannot be unwrapped with your key. Ask the ceremony team for a bundle made for your key.',
    );
  }
  return {
    manifest,
    bytes: parsed.bytes,
    sha256: parsed.sha256,
    signatureAlgorithm: signature.algorithm,
    root: { fingerprint: root.fingerprint, groupedHex: root.groupedHex, words: root.words },
  };
}
