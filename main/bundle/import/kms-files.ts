// Handing an AWS KMS bundle's import material to the ops team: EncryptedKeyMaterial.bin,
// ImportToken.bin and a text file with the exact "aws kms import-key-material" command,
// in a folder of their choice. Every file is written atomically and none is ever
// overwritten: all three names are checked first, and if a later write fails the files
// this call wrote are removed again, so the folder holds all three or none.
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../../native/errors';
import { writeFileAtomic, type WrittenFile } from '../../files/atomic-write';
import { pathTaken } from '../../files/path-taken';
import type { BundleManifest } from '../format/schema';
import { kmsHandoff } from '../kms/handoff';
import { importError } from './errors';

export const KMS_COMMAND_FILE = 'import-key-material.txt';

export interface KmsFiles {
  directory: string;
  files: WrittenFile[];
  command: string;
}

function commandText(manifest: BundleManifest, bundleSha256: string, command: string): string {
  const kms = manifest.recipient.awsKms;
  return [
    `# Conclave: import material for AWS KMS`,
    `# Bundle SHA-256:  ${bundleSha256}`,
    `# Ceremony:        ${manifest.ceremonyId}`,
    `# Key:             ${manifest.key.label} (id ${manifest.key.id}, ${manifest.key.algorithm}, version ${manifest.key.version})`,
    `# Recipient:       ${manifest.recipient.name}`,
    `# Wrapping:        ${kms?.wrappingAlgorithm ?? ''}${kms?.keyId ? `, KMS key ${kms.keyId}` : ''}`,
    `# Bundle expires:  ${manifest.expiresAt}`,
    '#',
    '# Run in this folder, with the AWS account and region of the KMS key. The import token',
    '# expires 24 hours after it was fetched with get-parameters-for-import.',
    ...(kms?.keyId ? [] : ['# The bundle names no KMS key id: set KEY_ID to the key the parameters were fetched for.', 'KEY_ID=<the KMS key id>']),
    '',
    command,
    '',
    "aws kms describe-key --key-id \"$KEY_ID\" --query 'KeyMetadata.[KeyState,Origin]' --output text",
    '# expected: Enabled EXTERNAL',
    '',
  ].join('\n');
}

/** Writes the import material of a verified aws-kms bundle into `directory` (made if missing). */
export async function writeKmsFiles(directory: string, manifest: BundleManifest, bundleSha256: string): Promise<KmsFiles> {
  const handoff = kmsHandoff(manifest.wrap, manifest.recipient);
  const contents: Array<[string, Uint8Array | string]> = [...Object.entries(handoff.files), [KMS_COMMAND_FILE, commandText(manifest, bundleSha256, handoff.command)]];
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw importError('IMPORT_KMS_FILES_FAILED', `The folder ${directory} for the KMS import files cannot be made (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, 'Choose a folder you may write to.');
  }
  for (const [name] of contents) {
    if (await pathTaken(join(directory, name))) {
      throw new DomainError({
        code: 'FILE_EXISTS',
        message: `${join(directory, name)} already exists; Conclave never overwrites import material. Nothing was written.`,
        action: 'Choose an empty folder for this bundle\'s KMS files (--kms-out), or move the old files away after checking what they are.',
      });
    }
  }
  const files: WrittenFile[] = [];
  try {
    for (const [name, data] of contents) files.push(await writeFileAtomic(join(directory, name), data, { mode: 0o600 }));
  } catch (error) {
    for (const file of files) await unlink(file.path).catch(() => undefined);
    throw error;
  }
  return { directory, files, command: handoff.command };
}

/** Removes the files writeKmsFiles wrote (when the import record cannot be written). */
export async function removeKmsFiles(written: KmsFiles): Promise<void> {
  for (const file of written.files) await unlink(file.path).catch(() => undefined);
}
