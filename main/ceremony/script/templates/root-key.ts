// Template: root key generation. In the HSM: the root signing key pair (EC P-384 unless
// chosen otherwise) and an AES-256 key-encryption key; the root public key exported to
// root-public.pem; optionally a self-signed root certificate. May begin with the quorum
// setup when the token is new. May end by generating keys for recipients and exporting
// each in a signed bundle.
import type { BundleRecipient, CertificateSubject, CeremonyScript, StepInput } from '../schema';
import type { KeyType } from '../vocabulary';
import { buildScript, ceremonyKeyStep, closingSteps, openingSteps, quorumLoginStep, quorumSetupStep, type TemplateOptions } from './common';

export type SigningKeyType = Exclude<KeyType, 'aes-256'>;

export interface RootKeyOptions extends TemplateOptions {
  /** Set up the custodian quorum first (a new token). Default false. */
  quorumSetup?: boolean;
  /** Default { label: 'root-signing-key', type: 'ec-p384' }. */
  rootKey?: { label?: string; type?: SigningKeyType };
  /** Label of the AES-256 key-encryption key. Default 'root-kek'. */
  keyEncryptionKeyLabel?: string;
  /** Default 'root-public.pem'. */
  publicKeyFile?: string;
  /** A self-signed root certificate; none when left out. */
  certificate?: { subject: CertificateSubject; validityDays?: number; file?: string };
  /** Keys generated for recipients (role wrap-only-export) and exported in bundles signed by the root key. */
  exports?: BundleExport[];
}

export interface BundleExport {
  /** Step ids derive from it: generate-<id>, export-<id>. */
  id: string;
  label: string;
  type: KeyType;
  usage: 'sign' | 'encrypt' | 'wrap';
  recipient: BundleRecipient;
  validityDays?: number;
  /** Only for a recipient known to accept SoftHSM2's zero-padded key wrap (a rehearsal token). */
  allowZeroPaddedKwp?: boolean;
  /** RSA recipients only: allow OAEP with SHA-1 where the token cannot do SHA-256 (recorded; importers may refuse it). */
  allowOaepSha1?: boolean;
}

export const DEFAULT_ROOT_KEY_LABEL = 'root-signing-key';
export const DEFAULT_ROOT_KEY_TYPE: SigningKeyType = 'ec-p384';
export const DEFAULT_KEK_LABEL = 'root-kek';
export const DEFAULT_ROOT_PUBLIC_FILE = 'root-public.pem';
export const DEFAULT_ROOT_CERTIFICATE_FILE = 'root-certificate.pem';
/** Twenty years, counting leap days. */
export const DEFAULT_ROOT_VALIDITY_DAYS = 7305;

export function rootKeyGenerationScript(options: RootKeyOptions): CeremonyScript {
  const rootLabel = options.rootKey?.label ?? DEFAULT_ROOT_KEY_LABEL;
  const rootType = options.rootKey?.type ?? DEFAULT_ROOT_KEY_TYPE;
  const steps: StepInput[] = [...openingSteps()];
  if (options.quorumSetup) steps.push(quorumSetupStep());
  steps.push(
    quorumLoginStep(),
    ceremonyKeyStep(options.ceremonyId),
    {
      id: 'root-key',
      title: 'Generate the root signing key',
      instructions: 'The HSM generates the root key pair; its private key never leaves the token. Everyone compares the fingerprint, read as words.',
      action: 'generate-key',
      params: { label: rootLabel, type: rootType, role: 'sign' },
    },
    {
      id: 'key-encryption-key',
      title: 'Generate the key-encryption key',
      instructions: 'The HSM generates an AES-256 key that wraps keys exported to ops teams.',
      action: 'generate-key',
      params: { label: options.keyEncryptionKeyLabel ?? DEFAULT_KEK_LABEL, type: 'aes-256', role: 'wrap' },
    },
    {
      id: 'export-root-public-key',
      title: 'Export the root public key',
      instructions: 'The root public key is written to the ceremony folder; witnesses compare its fingerprint with the one shown at generation.',
      action: 'export-public-key',
      params: { label: rootLabel, file: options.publicKeyFile ?? DEFAULT_ROOT_PUBLIC_FILE },
    },
  );
  if (options.certificate) {
    steps.push({
      id: 'root-certificate',
      title: 'Make the self-signed root certificate',
      instructions: 'The root key signs its own certificate; witnesses check the subject and the validity period.',
      action: 'self-signed-certificate',
      params: {
        label: rootLabel,
        subject: options.certificate.subject,
        validityDays: options.certificate.validityDays ?? DEFAULT_ROOT_VALIDITY_DAYS,
        file: options.certificate.file ?? DEFAULT_ROOT_CERTIFICATE_FILE,
      },
    });
  }
  for (const e of options.exports ?? []) {
    steps.push(
      {
        id: `generate-${e.id}`,
        title: `Generate the key "${e.label}" for ${e.recipient.name}`,
        instructions: 'The HSM generates the key; it can leave the token only wrapped for a recipient. Witnesses compare its attributes as read back.',
        action: 'generate-key',
        params: { label: e.label, type: e.type, role: 'wrap-only-export' },
      },
      {
        id: `export-${e.id}`,
        title: `Export "${e.label}" for ${e.recipient.name}`,
        instructions: 'The key is wrapped for the recipient inside the HSM and the bundle is signed by the root key; the bundle file and its QR frames are written and their hashes recorded. Witnesses compare the recipient key fingerprint.',
        action: 'export-bundle',
        params: {
          label: e.label,
          signingKey: rootLabel,
          recipient: e.recipient,
          usage: e.usage,
          ...(e.validityDays ? { validityDays: e.validityDays } : {}),
          ...(e.allowZeroPaddedKwp ? { allowZeroPaddedKwp: true } : {}),
          ...(e.allowOaepSha1 ? { allowOaepSha1: true } : {}),
        },
      },
    );
  }
  steps.push(...closingSteps());
  return buildScript(options, 'root-key-generation', 'Root key generation', steps);
}
