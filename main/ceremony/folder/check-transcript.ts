// The transcript half of verifying a ceremony folder: the file reads and is complete, the
// chain holds, the script recorded at the opening parses and agrees with the opening,
// the ceremony key is recorded, every signature verifies against the script's witnesses
// and the ceremony key, and the transcript is sealed. Each failure names the entry.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkScript, problemText, scriptHash, type CeremonyScript } from '../script/index';
import {
  ceremonySigningKeyOf,
  splitFileLines,
  verifyChain,
  verifySignatures,
  type ChainEntry,
  type EntryOf,
  type VerifiedSignature,
} from '../../transcript/index';
import type { CheckLog } from './check-log';
import { TRANSCRIPT_FILE } from './layout';

/** A sealed transcript whose chain and signatures verified, with its script. */
export interface CeremonyRecord {
  entries: ChainEntry[];
  opened: EntryOf<'ceremony-opened'>;
  script: CeremonyScript;
  /** scriptHash of the parsed script (canonical JSON, defaults filled). */
  scriptHash: string;
  /** Hash of the `sealed` entry. */
  finalHash: string;
  ceremonyKeySpki: Uint8Array;
  signatures: VerifiedSignature[];
}

function typeOfLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const type = (JSON.parse(text) as { type?: unknown } | null)?.type;
    return typeof type === 'string' && type.length <= 64 ? type : undefined;
  } catch {
    return undefined;
  }
}

/** Where the participants of the opening and of the script differ, or null. */
function participantMismatch(opened: EntryOf<'ceremony-opened'>, script: CeremonyScript): string | null {
  const fromScript = [
    `administrator:${script.participants.administrator.name}`,
    ...script.participants.custodians.map((c) => `custodian:${c.name}`),
    ...script.participants.witnesses.map((w) => `witness:${w.name}:${w.key.fingerprint}`),
  ].sort();
  const fromOpening = opened.data.participants.map((p) => (p.role === 'witness' ? `witness:${p.name}:${p.keyFingerprint}` : `${p.role}:${p.name}`)).sort();
  const missing = fromScript.filter((p) => !fromOpening.includes(p));
  const extra = fromOpening.filter((p) => !fromScript.includes(p));
  if (missing.length === 0 && extra.length === 0) return null;
  const show = (list: string[]) => list.map((p) => p.split(':').slice(0, 2).join(' ')).join(', ');
  return [missing.length ? `the script lists ${show(missing)} but the opening does not` : '', extra.length ? `the opening lists ${show(extra)} but the script does not` : '']
    .filter(Boolean)
    .join('; ');
}

export async function checkTranscript(dir: string, log: CheckLog): Promise<CeremonyRecord | null> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(join(dir, TRANSCRIPT_FILE)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    log.fail('transcript', { file: TRANSCRIPT_FILE, reason: code === 'ENOENT' ? 'the folder has no transcript' : `it cannot be read (${code ?? 'error'})` });
    return null;
  }
  const { lines, tail } = splitFileLines(bytes);
  const chain = verifyChain(lines);
  if (!chain.ok) {
    const { problem } = chain;
    const type = typeOfLine(lines[problem.line - 1]);
    log.fail('chain', {
      ...(problem.seq !== null ? { entrySeq: problem.seq } : {}),
      ...(type !== undefined ? { entryType: type } : {}),
      line: problem.line,
      reason: problem.message.replace(/^(entry \d+ \(line \d+\)|line \d+): /, ''),
    });
    return null;
  }
  if (tail) {
    log.fail('chain', {
      line: lines.length + 1,
      reason: chain.sealed
        ? `${tail.length} bytes follow the sealed entry; nothing may be added to a sealed transcript`
        : `the file ends with an unfinished entry (${tail.length} bytes without a newline)`,
    });
    return null;
  }
  const entries = chain.entries;
  log.pass('chain', `${entries.length} entries; every line canonical, every link and sequence number right`);

  const last = entries[entries.length - 1];
  if (!chain.sealed || !last || last.entry.type !== 'sealed') {
    log.fail('seal', last ? { entrySeq: last.entry.seq, entryType: last.entry.type, line: last.line, reason: 'the transcript ends here without a sealed entry: the ceremony was not finished' } : { file: TRANSCRIPT_FILE, reason: 'the transcript is empty' });
    return null;
  }

  const openedEntry = entries[0]!;
  const opened = openedEntry.entry as EntryOf<'ceremony-opened'>;
  const at = { entrySeq: 0, entryType: 'ceremony-opened', line: 1 };
  const checked = checkScript(opened.data.script.text, { format: opened.data.script.format, fileName: opened.data.script.name });
  if (!checked.ok) {
    log.fail('script', { ...at, reason: `the ceremony script recorded at the opening is invalid: ${checked.problems.map(problemText).join('; ')}` });
    return null;
  }
  const script = checked.script;
  const mismatch =
    script.ceremony.id !== opened.ceremonyId
      ? `the script is for ceremony "${script.ceremony.id}", the transcript for "${opened.ceremonyId}"`
      : script.ceremony.rehearsal !== opened.data.rehearsal
        ? `the script says rehearsal: ${script.ceremony.rehearsal}, the opening says ${opened.data.rehearsal}`
        : (script.ceremony.previousCeremonyFinalHash ?? null) !== opened.data.previousCeremonyFinalHash
          ? 'the previous ceremony final hash of the script and of the opening differ'
          : participantMismatch(opened, script);
  if (mismatch) {
    log.fail('script', { ...at, reason: mismatch });
    return null;
  }
  log.pass('script', `"${script.ceremony.title}" (${script.ceremony.kind}), ${script.steps.length} steps, script hash ${checked.hash}`);

  const ceremonyKeySpki = ceremonySigningKeyOf(entries);
  if (!ceremonyKeySpki) {
    log.fail('signatures', { entrySeq: last.entry.seq, entryType: 'sealed', line: last.line, reason: 'no key-generated entry records the ceremony signing key, so no signature can be checked' });
    return null;
  }
  const witnesses = script.participants.witnesses.map((w) => ({ name: w.name, fingerprint: w.key.fingerprint }));
  const signatures = verifySignatures(entries, { ceremonyKeySpki, witnesses, requireSeal: true });
  if (!signatures.ok) {
    const { failure } = signatures;
    const entry = entries[failure.line - 1];
    log.fail('signatures', {
      entrySeq: failure.seq,
      ...(entry ? { entryType: entry.entry.type } : {}),
      line: failure.line,
      reason: failure.message.replace(/^entry \d+ \([^)]*\): /, ''),
    });
    return null;
  }
  const bySigner = new Set(signatures.signatures.map((s) => (s.kind === 'witness' ? `witness ${s.name}` : 'the ceremony key')));
  log.pass('signatures', `${signatures.signatures.length} signatures verify (${[...bySigner].join(', ')}); every checkpoint and the seal signed by the ceremony key, the seal by every listed witness`);
  log.pass('seal', `sealed at entry ${last.entry.seq}; final hash ${last.hash}`);

  return { entries, opened, script, scriptHash: scriptHash(script), finalHash: last.hash, ceremonyKeySpki, signatures: signatures.signatures };
}
