// The root public key the operator pins, and the operator's confirmation of it. The key
// comes from a PEM file; its fingerprint (SHA-256 of the SPKI, as hex and six words) is
// what the operator compares with the one the ceremony team published. The comparison is
// the operator's: either typed or confirmed at a terminal or on screen, or given up front
// as --root-fingerprint. A mismatch stops the import before the bundle is even read.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DomainError } from '../../../native/errors';
import { rootKeyFromPem } from '../format/root-key';
import { importError } from './errors';

export interface PinnedRoot {
  /** The PEM file it was read from. */
  path: string;
  spki: Uint8Array;
  /** SHA-256 of the SPKI DER, 64 lower-case hex digits. */
  fingerprint: string;
  groupedHex: string;
  words: string[];
  curve: 'P-256' | 'P-384';
}

/** How the operator confirmed the root key's fingerprint (kept in the import record). */
export type RootConfirmation = 'fingerprint-given' | 'confirmed-at-terminal' | 'confirmed-on-screen';

const MAX_PEM_BYTES = 64 * 1024;

/** Reads and checks the pinned root key; BUNDLE_ROOT_KEY_UNREADABLE or BUNDLE_ROOT_KEY_INVALID. */
export async function readPinnedRoot(path: string, cwd: string): Promise<PinnedRoot> {
  const file = resolve(cwd, path);
  let pem: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_PEM_BYTES) throw Object.assign(new Error(`${bytes.length} bytes, more than a public key file holds`), { code: 'EFBIG' });
    pem = bytes.toString('utf8');
  } catch (error) {
    throw new DomainError({
      code: 'BUNDLE_ROOT_KEY_UNREADABLE',
      message: `The root key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      action: 'Give the path of the root public key (root-public.pem from the ceremony folder).',
    });
  }
  const root = rootKeyFromPem(pem);
  return { path: file, spki: root.spki, fingerprint: root.fingerprint, groupedHex: root.groupedHex, words: root.words, curve: root.profile.curveName };
}

/** The 64 hex digits of a fingerprint typed with any spacing, colons or case; null when it is not one. */
export function normalizeFingerprint(text: string): string | null {
  const hex = text.replace(/[\s:]/gu, '').toLowerCase();
  return /^[0-9a-f]{64}$/u.test(hex) ? hex : null;
}

/** Throws IMPORT_ROOT_FINGERPRINT_MISMATCH unless `given` is the pinned key's fingerprint. */
export function checkRootFingerprint(root: PinnedRoot, given: string): void {
  const hex = normalizeFingerprint(given);
  if (hex === null) {
    throw importError(
      'IMPORT_ROOT_FINGERPRINT_MISMATCH',
      'The root fingerprint given is not 64 hex digits (the SHA-256 the ceremony published, spaces and colons allowed).',
      'Copy the root key fingerprint exactly as the ceremony team published it.',
    );
  }
  if (hex !== root.fingerprint) {
    throw importError(
      'IMPORT_ROOT_FINGERPRINT_MISMATCH',
      `The root key in ${root.path} has the fingerprint ${root.groupedHex} (${root.words.join(' ')}), not the one given (${hex.slice(0, 16)}…). Nothing was imported.`,
      'Use the root public key the ceremony published, and compare the fingerprint with the ceremony team over a second channel (phone, printed report). Do not import until they agree.',
    );
  }
}
