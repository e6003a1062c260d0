// Shared pieces of the bundle tests: the fixed TEST-ONLY keys of the vectors, a software
// stand-in for the HSM's signing calls (unit tests only; the SoftHSM2 integration test
// signs in a real token), and a manifest builder.
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicKeyExport, SignMechanism } from '../../../native/hsm/protocol';
import { issuerOf } from '../../../main/bundle/format/root-key';
import type { BundleManifest } from '../../../main/bundle/format/schema';
import type { BundleSigningHsm } from '../../../main/bundle/format/sign';

export const VECTOR_DIR = join(__dirname, '..', '..', 'vectors', 'bundle');

export interface TestKey {
  name: string;
  privateKey: KeyObject;
  spki: Uint8Array;
  spkiPem: string;
  pemPath: string;
}

export function vectorKey(name: 'root-p256' | 'root-p384' | 'other-p256'): TestKey {
  const pkcs8 = readFileSync(join(VECTOR_DIR, 'keys', `${name}.TEST-ONLY.pkcs8.pem`), 'utf8');
  const privateKey = createPrivateKey(pkcs8);
  const publicKey = createPublicKey(privateKey);
  return {
    name,
    privateKey,
    spki: Uint8Array.from(publicKey.export({ format: 'der', type: 'spki' })),
    spkiPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    pemPath: join(VECTOR_DIR, 'keys', `${name}.TEST-ONLY.spki.pem`),
  };
}

const HASH_OF: Partial<Record<SignMechanism, string>> = { 'ecdsa-sha256': 'sha256', 'ecdsa-sha384': 'sha384' };

/** Signs like a PKCS#11 token (r || s), with node:crypto; records the mechanisms asked for. */
export function softwareHsm(key: TestKey): BundleSigningHsm & { calls: SignMechanism[] } {
  const calls: SignMechanism[] = [];
  const curve = createPublicKey(key.privateKey).asymmetricKeyDetails?.namedCurve;
  return {
    calls,
    async sign(request) {
      calls.push(request.mechanism);
      const hash = HASH_OF[request.mechanism];
      if (!hash) throw new Error(`the software HSM does not sign with ${request.mechanism}`);
      return Uint8Array.from(sign(hash, request.data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
    },
    async exportPublicKey(handle): Promise<PublicKeyExport> {
      return { algorithm: curve === 'secp384r1' ? 'ec-p384' : 'ec-p256', bits: curve === 'secp384r1' ? 384 : 256, spki: key.spki, pem: key.spkiPem, handle };
    },
  };
}

export const EXPORTED_AT = '2025-03-01T10:00:00.000Z';
export const EXPIRES_AT = '2025-06-01T00:00:00.000Z';
/** A moment inside the validity window. */
export const DURING = new Date('2025-03-15T12:00:00.000Z');

/** Filler for the wrapped key: the bundle format treats wrappedKey as opaque bytes. */
export function filler(length: number, seed: number): string {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed + i * 37) & 0xff;
  return Buffer.from(bytes).toString('base64');
}

export function manifestFor(issuerKey: TestKey, overrides: Partial<BundleManifest> = {}): BundleManifest {
  return {
    ceremonyId: 'vector-export-2025-03',
    transcriptHead: { seq: 41, hash: 'a3c1e6f0b2d4978812345678909abcdeffedcba9876543210a1b2c3d4e5f6071' },
    exportedAt: EXPORTED_AT,
    expiresAt: EXPIRES_AT,
    rehearsal: false,
    issuer: issuerOf(issuerKey.spki),
    recipient: { name: 'Payments Ops', kind: 'rsa', keyFingerprint: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' },
    key: { id: '0a1b2c3d', label: 'payments-dek-2025', algorithm: 'aes-256', usage: 'encrypt', version: 3, publicKeyFingerprint: null },
    wrap: { method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: filler(552, 7) },
    ...overrides,
  };
}
