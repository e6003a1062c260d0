// The root public key an importer pins, and the issuer field a bundle names it by: the
// SHA-256 of its SubjectPublicKeyInfo (DER) in hex and as six BIP-39 words, which the
// operator compares with the fingerprint the ceremony published.
import type { KeyObject } from 'node:crypto';
import { sha256, toHex } from '../../quorum/bytes';
import { digestWords, groupedHex } from '../../quorum/fingerprint';
import { bundleError } from './errors';
import { profileOfKey, publicKeyFromSpki, type EcdsaProfile } from './ecdsa';

export interface RootKey {
  spki: Uint8Array;
  key: KeyObject;
  profile: EcdsaProfile;
  /** SHA-256 of the SPKI DER, 64 lower-case hex digits. */
  fingerprint: string;
  /** The same in groups of four, for reading. */
  groupedHex: string;
  words: string[];
}

export interface Issuer {
  keyFingerprint: string;
  words: string[];
}

const SUPPORTED = 'an EC P-256 or P-384 public key';

function invalidRoot(message: string): never {
  throw bundleError(
    'BUNDLE_ROOT_KEY_INVALID',
    message,
    'Use the root public key the ceremony published (root-public.pem in the ceremony folder), and compare its fingerprint words with the ones the ceremony team read out.',
  );
}

/** The pinned root key from its DER SubjectPublicKeyInfo; throws BUNDLE_ROOT_KEY_INVALID. */
export function rootKeyFromSpki(spki: Uint8Array): RootKey {
  const key = publicKeyFromSpki(spki);
  if (!key) invalidRoot('The root public key is not a valid SubjectPublicKeyInfo.');
  const profile = profileOfKey(key);
  if (!profile) {
    const found = key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown curve'}` : `a ${key.asymmetricKeyType ?? 'unknown'} key`;
    invalidRoot(`The root public key is ${found}; bundles are signed with ${SUPPORTED}.`);
  }
  const digest = sha256(spki);
  return { spki: Uint8Array.from(spki), key, profile, fingerprint: toHex(digest), groupedHex: groupedHex(digest), words: digestWords(digest) };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/g;

/** The pinned root key from PEM text holding exactly one "PUBLIC KEY" block. */
export function rootKeyFromPem(pem: string): RootKey {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  const publicBlocks = blocks.filter((b) => b[1] === 'PUBLIC KEY');
  if (publicBlocks.length === 0) {
    if (blocks.some((b) => b[1] === 'CERTIFICATE')) invalidRoot('The root key file holds a certificate, not a public key; extract the key with "openssl x509 -in FILE -pubkey -noout".');
    if (blocks.some((b) => /PRIVATE KEY/.test(b[1]!))) invalidRoot('The root key file holds a PRIVATE key. Only the public key is needed; keep private keys off this machine.');
    invalidRoot('The root key file holds no "-----BEGIN PUBLIC KEY-----" block.');
  }
  if (publicBlocks.length > 1) invalidRoot(`The root key file holds ${publicBlocks.length} public keys; give the file with the one root key.`);
  const der = Buffer.from(publicBlocks[0]![2]!.replace(/\r?\n/g, ''), 'base64');
  return rootKeyFromSpki(Uint8Array.from(der));
}

/** The manifest's issuer field for a root key's SPKI. */
export function issuerOf(spki: Uint8Array): Issuer {
  const digest = sha256(spki);
  return { keyFingerprint: toHex(digest), words: digestWords(digest) };
}
