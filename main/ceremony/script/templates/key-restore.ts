// Template: key restore onto another token. A new token first gets its own quorum
// (unless it has one), then the custodians present their backup-key envelopes and the
// wrapped key from the backup ceremony's folder is unwrapped into the token.
import type { CeremonyScript } from '../schema';
import type { KeyType, ScriptKeyRole } from '../vocabulary';
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
      },
    },
    ...closingSteps(),
  ]);
}
