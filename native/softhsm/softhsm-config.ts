// SoftHSM2 configuration for a throwaway token store in a given directory: test tokens
// and the rehearsal token. SoftHSM2 reads the file named by SOFTHSM2_CONF.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface SoftHsmConfig {
  /** The directory holding the configuration and the token store. */
  directory: string;
  /** softhsm2.conf: pass it to the module as SOFTHSM2_CONF. */
  confPath: string;
  /** Where SoftHSM2 keeps the tokens (directories.tokendir). */
  tokenDirectory: string;
}

export function softHsmConfigText(tokenDirectory: string): string {
  if (/[\r\n]/.test(tokenDirectory)) throw new Error('The SoftHSM2 token directory path must not contain line breaks.');
  return [
    '# Written by Conclave: a throwaway SoftHSM2 token store.',
    `directories.tokendir = ${tokenDirectory}`,
    'objectstore.backend = file',
    'log.level = ERROR',
    'slots.removable = false',
    '',
  ].join('\n');
}

/** Creates `<directory>/tokens/` (mode 0700) and writes `<directory>/softhsm2.conf` pointing at it. */
export function writeSoftHsmConfig(directory: string): SoftHsmConfig {
  const dir = resolve(directory);
  const tokenDirectory = join(dir, 'tokens');
  mkdirSync(tokenDirectory, { recursive: true, mode: 0o700 });
  chmodSync(tokenDirectory, 0o700);
  const confPath = join(dir, 'softhsm2.conf');
  writeFileSync(confPath, softHsmConfigText(tokenDirectory), { mode: 0o600 });
  return { directory: dir, confPath, tokenDirectory };
}

/** An environment for a worker process that uses this configuration. */
export function softHsmEnv(confPath: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, SOFTHSM2_CONF: confPath };
}
