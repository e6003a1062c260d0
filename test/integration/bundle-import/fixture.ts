// A ceremony side and an ops side on real SoftHSM2 tokens, for the import tests: one
// token store with the ceremony token (an EC P-256 root signing key, keys generated for
// export) and the ops team's recipient token (a transport KEK agreed with the ceremony
// token by ECDH, and an EC recipient key), plus a test "AWS KMS" wrapping key made with
// openssl. exportBundle wraps a fresh key for a recipient with the wrap engineer's
// functions and signs the bundle with signBundle inside the ceremony token, exactly as an
// export step does.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issuerOf } from '../../../main/bundle/format/root-key';
import type { BundleManifest } from '../../../main/bundle/format/schema';
import { signBundle } from '../../../main/bundle/format/sign';
import { establishTransportKek, recipientRecordFor, wrapForRecipient, type RecipientKey } from '../../../main/bundle/wrap';
import type { GeneratedKey } from '../../../native/hsm/protocol';
import { openssl, type Cleanup } from '../../helpers/softhsm';
import { CEREMONY, RECIPIENT, softwareCheckValue, twoTokens, valueThroughTestKek, type TwoTokens } from '../bundle-wrap/two-tokens';

export { CEREMONY, RECIPIENT };

export const KEK_LABEL = 'ops-transport-kek';
export const OPS_TEAM = 'Payments Ops';
const HOUR = 3_600_000;

export interface ImportWorld extends TwoTokens {
  /** Files of the test: bundles, root key, records, KMS output. */
  work: string;
  rootPem: string;
  rootFingerprint: string;
  rootHandle: string;
  ecRecipient: GeneratedKey;
  kmsPublicDer: Uint8Array;
  kmsPrivatePem: string;
}

export async function importWorld(t: Cleanup): Promise<ImportWorld> {
  const tokens = await twoTokens(t);
  const work = mkdtempSync(join(tmpdir(), 'conclave-import-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const { client, a, b } = tokens;
  const root = await client.generateKey({ slotId: a, type: 'ec-p256', label: 'root-signing-key', role: 'sign' });
  const exported = await client.exportPublicKey(root.privateKey!.handle);
  const rootPem = join(work, 'root-public.pem');
  writeFileSync(rootPem, exported.pem);
  await establishTransportKek({ hsm: client, slotId: a }, { hsm: client, slotId: b }, { label: KEK_LABEL });
  const ecRecipient = await client.generateKey({ slotId: b, type: 'ec-p256', label: 'ops-ec-recipient', role: 'derive' });
  const kmsPrivatePem = join(work, 'kms-wrapping-private.pem');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', kmsPrivatePem]);
  const kmsPublicDer = new Uint8Array(execFileSync('openssl', ['pkey', '-in', kmsPrivatePem, '-pubout', '-outform', 'DER']));
  return {
    ...tokens,
    work,
    rootPem,
    rootFingerprint: createHash('sha256').update(exported.spki).digest('hex'),
    rootHandle: root.privateKey!.handle,
    ecRecipient,
    kmsPublicDer,
    kmsPrivatePem,
  };
}

export interface BundleSpec {
  label: string;
  algorithm: 'aes-256' | 'ec-p384';
  usage: 'wrap' | 'sign' | 'encrypt';
  recipient: 'transport-kek' | 'ec' | 'aws-kms';
  rehearsal?: boolean;
  /** Overrides on the manifest before signing (expiry, recipient name). */
  manifest?: Partial<BundleManifest>;
}

export interface ExportedBundle {
  path: string;
  bytes: Uint8Array;
  manifest: BundleManifest;
  /** The original key on the ceremony token. */
  key: GeneratedKey;
}

async function recipientFor(world: ImportWorld, kind: BundleSpec['recipient']): Promise<RecipientKey> {
  switch (kind) {
    case 'transport-kek':
      return { kind: 'transport-kek', name: OPS_TEAM, kekLabel: KEK_LABEL };
    case 'ec':
      return { kind: 'ec', name: OPS_TEAM, spki: (await world.client.exportPublicKey(world.ecRecipient.publicKey!.handle)).spki };
    case 'aws-kms':
      return { kind: 'aws-kms', name: 'Payments KMS', spki: world.kmsPublicDer, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', importToken: new Uint8Array(randomBytes(96)), keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' };
  }
}

/** Generates a key for export on the ceremony token, wraps it for the recipient, and signs the bundle. */
export async function exportBundle(world: ImportWorld, spec: BundleSpec): Promise<ExportedBundle> {
  const { client, a } = world;
  const key = await client.generateKey({ slotId: a, type: spec.algorithm, label: `${spec.label}-original`, role: 'wrap-only-export' });
  const handle = (key.secretKey ?? key.privateKey)!.handle;
  const recipient = await recipientFor(world, spec.recipient);
  const record = await wrapForRecipient(client, a, handle, spec.algorithm, recipient, { allowZeroPaddedKwp: spec.algorithm !== 'aes-256' });
  const publicKeyFingerprint = key.publicKey ? createHash('sha256').update((await client.exportPublicKey(key.publicKey.handle)).spki).digest('hex') : null;
  const now = Date.now();
  const manifest: BundleManifest = {
    ceremonyId: 'ops-import-test-2026',
    transcriptHead: { seq: 17, hash: createHash('sha256').update(spec.label).digest('hex') },
    exportedAt: new Date(now - HOUR).toISOString(),
    expiresAt: new Date(now + 30 * 24 * HOUR).toISOString(),
    rehearsal: spec.rehearsal ?? false,
    issuer: issuerOf((await client.exportPublicKey(world.rootHandle)).spki),
    recipient: recipientRecordFor(recipient, record),
    key: { id: key.id, label: spec.label, algorithm: spec.algorithm, usage: spec.usage, version: 1, publicKeyFingerprint },
    wrap: record,
    ...spec.manifest,
  };
  const bytes = await signBundle(client, world.rootHandle, manifest);
  const path = join(world.work, `${spec.label}.bundle.json`);
  writeFileSync(path, bytes);
  return { path, bytes, manifest, key };
}

/** The objects on a token as comparable lines, to prove a refused import left nothing. */
export async function objectLines(world: ImportWorld, slotId: string): Promise<string[]> {
  return (await world.client.findObjects({ slotId })).map((o) => `${o.class}/${o.keyType ?? '-'}/${o.label}/${o.id}`).sort();
}

/** An imported AES key is the original: its check value is the one the original's value gives. */
export async function sameAesKey(world: ImportWorld, original: ExportedBundle, importedHandle: string): Promise<boolean> {
  const value = await valueThroughTestKek(world.client, world.a, original.key.secretKey!.handle);
  return (await world.client.keyCheckValue(importedHandle)).value === softwareCheckValue(value);
}

/** The one object labelled `label` on the recipient token, with its attributes read back. */
export async function importedKey(world: ImportWorld, label: string) {
  const found = await world.client.findObjects({ slotId: world.b, label });
  if (found.length !== 1) throw new Error(`expected one object labelled ${label} on the recipient token, found ${found.length}`);
  return world.client.keyAttributes(found[0]!.handle);
}
