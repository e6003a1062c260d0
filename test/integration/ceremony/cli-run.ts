// Runs the conclave command line in a child process (so a test can kill it for real).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyChain, verifySignatures, ceremonySigningKeyOf, type ChainEntry } from '../../../main/transcript';
import { splitFileLines } from '../../../main/transcript';

const ROOT = join(__dirname, '..', '..', '..');
// The built command, as users run it (npm test builds first); about a second and a half
// faster per run than transpiling the sources, which the crash-and-resume tests run dozens of times.
const CLI = join(ROOT, 'dist', 'cli', 'conclave.cjs');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function conclave(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before the ceremony CLI tests.`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, CONCLAVE_REHEARSAL_FAST_KDF: '1', ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** The transcript's entries after verifying the chain and every signature (throws naming the problem). */
export function verifiedTranscript(dir: string): ChainEntry[] {
  const { lines, tail } = splitFileLines(readFileSync(join(dir, 'transcript.jsonl')));
  if (tail) throw new Error('the transcript ends with a torn entry');
  const chain = verifyChain(lines);
  if (!chain.ok) throw new Error(`chain: ${chain.problem.message}`);
  if (!chain.sealed) throw new Error('the transcript is not sealed');
  const entries = chain.entries;
  const opened = entries[0]!.entry;
  if (opened.type !== 'ceremony-opened') throw new Error('no ceremony-opened');
  const witnesses = opened.data.participants.flatMap((p) => (p.role === 'witness' ? [{ name: p.name, fingerprint: p.keyFingerprint }] : []));
  const ceremonyKeySpki = ceremonySigningKeyOf(entries);
  if (!ceremonyKeySpki) throw new Error('no ceremony key recorded');
  const signatures = verifySignatures(entries, { ceremonyKeySpki, witnesses });
  if (!signatures.ok) throw new Error(`signatures: ${signatures.failure.message}`);
  return entries;
}
