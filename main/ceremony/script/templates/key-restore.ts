// Template: key restore onto another token. A new token first gets its own quorum
// (unless it has one), then the custodians present their backup-key envelopes and the
// wrapped key from the backup ceremony's folder is unwrapped into the token. The engine
// runs it only with the wrapped key's SHA-256 (and, for a key pair, the public key's
// fingerprint) pinned, both as the backup ceremony's transcript records them.
import type { CeremonyScript } from '../schema';
import { DEFAULT_BACKUP_SHARES_FOLDER, type KeyType, type ScriptKeyRole } from '../vocabulary';
import { buildScript, ceremonyKeyStep, closingSteps, openingSteps, quorumLoginStep, quorumSetupStep, type TemplateOptions } from './common';
import { DEFAULT_WRAPPED_KEY_FILE } from './key-backup';

export interface KeyRestoreOptions extends TemplateOptions {
  /** Label the restored key gets on this token. */
  label: string;
  /** The key's type and the role it takes on this token. */
  type: KeyType;
  role: ScriptKeyRole;
  /** The wrapped key's path in the backup ceremony's folder. Default 'wrapped-key.bin'. */
  wrappedKeyFile?: string;
  /** Its SHA-256 as the backup ceremony's transcript records it. */
  wrappedKeySha256?: string;
  /** For a key pair: SHA-256 (hex) of the original public key (SPKI DER), as the backup ceremony records it. */
  fingerprint?: string;
  /** The backup-key step's sharesFolder in the backup ceremony's folder. Default 'backup-shares'. */
  sharesFolder?: string;
  /** Set up a quorum on the new token first. Default true. */
  quorumSetup?: boolean;
}

export function keyRestoreScript(options: KeyRestoreOptions): CeremonyScript {
  return buildScript(options, 'key-restore', 'Key restore', [
    ...openingSteps(),
    ...(options.quorumSetup === false ? [] : [quorumSetupStep()]),
    quorumLoginStep(),
    ceremonyKeyStep(options.ceremonyId),
    {
      id: 'restore-key',
      title: 'Restore the key',
      instructions: 'The custodians present their backup-key envelopes; the wrapped key from the backup ceremony is unwrapped into this token and its attributes are read back.',
      action: 'restore-key',
      params: {
        label: options.label,
        type: options.type,
        role: options.role,
        wrappedKeyFile: options.wrappedKeyFile ?? DEFAULT_WRAPPED_KEY_FILE,
        ...(options.wrappedKeySha256 === undefined ? {} : { wrappedKeySha256: options.wrappedKeySha256 }),
        ...(options.fingerprint === undefined ? {} : { fingerprint: options.fingerprint }),
        sharesFolder: options.sharesFolder ?? DEFAULT_BACKUP_SHARES_FOLDER,
      },
    },
    ...closingSteps(),
  ]);
}
