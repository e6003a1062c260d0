// Template: key backup. A key already on the token (generated with the role
// wrap-only-export, the only keys a token lets out, and then only wrapped) is wrapped
// under a new AES-256 backup key, which is split among the custodians.
import type { CeremonyScript } from '../schema';
import { DEFAULT_BACKUP_SHARES_FOLDER } from '../vocabulary';
import { buildScript, ceremonyKeyStep, closingSteps, openingSteps, quorumLoginStep, type TemplateOptions } from './common';

export interface KeyBackupOptions extends TemplateOptions {
  /** Label of the key to back up (already on the token). */
  keyLabel: string;
  /** Label of the backup key made by this ceremony. Default "backup-<ceremony id>". */
  backupKeyLabel?: string;
  /** The wrapped key in the ceremony folder. Default 'wrapped-key.bin'. */
  file?: string;
  /** The custodians' envelopes of the backup key. Default 'backup-shares'. */
  sharesFolder?: string;
}

export const DEFAULT_WRAPPED_KEY_FILE = 'wrapped-key.bin';

export function keyBackupScript(options: KeyBackupOptions): CeremonyScript {
  return buildScript(options, 'key-backup', 'Key backup', [
    ...openingSteps(),
    quorumLoginStep(),
    ceremonyKeyStep(options.ceremonyId),
    {
      id: 'backup-key',
      title: 'Back up the key',
      instructions:
        'A new backup key wraps the key; the wrapped key is written to the ceremony folder and the backup key is split among the custodians, each of whom proves their envelope opens.',
      action: 'backup-key',
      params: {
        label: options.keyLabel,
        existing: true,
        backupKeyLabel: options.backupKeyLabel ?? `backup-${options.ceremonyId}`,
        file: options.file ?? DEFAULT_WRAPPED_KEY_FILE,
        sharesFolder: options.sharesFolder ?? DEFAULT_BACKUP_SHARES_FOLDER,
      },
    },
    ...closingSteps(),
  ]);
}
