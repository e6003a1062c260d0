// `conclave share inspect FILE` and `conclave share check FILE`: a custodian's
// self-check of their share envelope on any machine. Inspect needs no passphrase; check
// opens the envelope and verifies the share against its commitment. Neither prints or
// writes the passphrase or the share. Exit: 0 ok, 1 does not open / commitment fails,
// 2 usage, 3 missing or malformed envelope.
import { resolve } from 'node:path';
import { DomainError } from '../../native/errors';
import { envelopeInfo, openEnvelope, parseEnvelope, type ParsedEnvelope } from '../quorum/envelope';
import { readEnvelopeSource } from '../quorum/envelope-source';
import { encodePassphrase } from '../quorum/passphrase-policy';
import { SECRET_IDS } from '../quorum/types';
import type { Command } from './args';
import { failWith } from './failure';
import { readPassphrase } from './passphrase-input';
import type { CliRuntime } from './runtime';

type InspectCommand = Extract<Command, { name: 'share-inspect' }>;
type CheckCommand = Extract<Command, { name: 'share-check' }>;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_MALFORMED = 3;

async function load(file: string, rt: CliRuntime): Promise<{ path: string; parsed: ParsedEnvelope } | number> {
  const path = resolve(rt.cwd, file);
  try {
    const text = await readEnvelopeSource({ kind: 'file', path });
    return { path, parsed: parseEnvelope(text) };
  } catch (error) {
    return failWith(rt, EXIT_MALFORMED, error);
  }
}

const mib = (kib: number) => (kib % 1024 === 0 ? `${kib / 1024} MiB` : `${kib} KiB`);

/** The human-readable description of an envelope (pure, for tests). */
export function renderEnvelope(path: string, parsed: ParsedEnvelope): string {
  const m = parsed.metadata;
  const k = parsed.kdf;
  const rows: Array<[string, string]> = [
    ['Ceremony', m.ceremonyId],
    ['Custodian', `${m.custodian.name} (custodian ${m.custodian.index} of ${m.total})`],
  ];
  if (m.custodian.group !== null) rows.push(['Group', m.custodian.group]);
  rows.push(['Policy', m.groups === null ? m.policySummary : `${m.policySummary} (at least ${m.threshold} of the ${m.total} custodians)`]);
  if (m.groups !== null && m.groupThreshold !== null) {
    rows.push(['Groups', `${m.groups.map((g) => `${g.name} needs ${g.threshold}`).join('; ')}; ${m.groupThreshold} of ${m.groups.length} groups needed`]);
  }
  rows.push(['Argon2id', `${mib(k.memoryKiB)}, ${k.iterations} iterations, ${k.parallelism} lanes (version ${k.version}), salt ${k.salt.length} bytes`]);
  rows.push(['Fingerprint', parsed.fingerprint.hex]);
  rows.push(['', parsed.fingerprint.words.join(' ')]);
  rows.push(['Rehearsal', m.rehearsal ? 'YES: a rehearsal envelope, never for production' : 'no']);
  rows.push(['Re-share', m.reshareNonce === null ? 'no (original setup)' : `nonce ${m.reshareNonce}`]);
  rows.push(['Created', m.createdAt]);
  rows.push(['Policy id', m.policyId]);
  rows.push(['Commitments', `user PIN ${m.commitments['user-pin']}`]);
  rows.push(['', `SO PIN   ${m.commitments['so-pin']}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`Share envelope ${path}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n') + '\n';
}

/** What `conclave share inspect --json` prints. */
export function envelopeJson(path: string, parsed: ParsedEnvelope): Record<string, unknown> {
  const m = parsed.metadata;
  return {
    file: path,
    ...envelopeInfo(parsed),
    groups: m.groups,
    groupThreshold: m.groupThreshold,
    kdf: { algorithm: parsed.kdf.algorithm, version: parsed.kdf.version, memoryKiB: parsed.kdf.memoryKiB, iterations: parsed.kdf.iterations, parallelism: parsed.kdf.parallelism },
    policyId: m.policyId,
    commitments: m.commitments,
    createdAt: m.createdAt,
  };
}

export async function runShareInspect(cmd: InspectCommand, rt: CliRuntime): Promise<number> {
  const loaded = await load(cmd.file, rt);
  if (typeof loaded === 'number') return loaded;
  rt.stdout(cmd.json ? `${JSON.stringify(envelopeJson(loaded.path, loaded.parsed), null, 2)}\n` : renderEnvelope(loaded.path, loaded.parsed));
  return EXIT_OK;
}

function passphraseFor(cmd: CheckCommand, parsed: ParsedEnvelope, rt: CliRuntime): Promise<string | number> {
  const m = parsed.metadata;
  return readPassphrase(rt, {
    variable: cmd.passphraseEnv,
    ask: (prompt) => prompt(`Passphrase for the envelope of ${m.custodian.name} (custodian ${m.custodian.index}): `),
    cancelled: 'Cancelled; the envelope was not opened.',
  });
}

export async function runShareCheck(cmd: CheckCommand, rt: CliRuntime): Promise<number> {
  const loaded = await load(cmd.file, rt);
  if (typeof loaded === 'number') return loaded;
  const { path, parsed } = loaded;
  const passphrase = await passphraseFor(cmd, parsed, rt);
  if (typeof passphrase === 'number') return passphrase;
  const bytes = encodePassphrase(passphrase);
  try {
    const shares = await openEnvelope(parsed, bytes);
    for (const id of SECRET_IDS) shares[id].fill(0);
  } catch (error) {
    return failWith(rt, DomainError.is(error) && error.code === 'ENVELOPE_MALFORMED' ? EXIT_MALFORMED : EXIT_FAILED, error);
  } finally {
    bytes.fill(0);
  }
  const m = parsed.metadata;
  rt.stdout(
    `${path}: opens; commitment holds.\n` +
      `  ${m.custodian.name}, custodian ${m.custodian.index} of ${m.total} (${m.policySummary}), ceremony ${m.ceremonyId}${m.rehearsal ? ', REHEARSAL' : ''}\n` +
      `  Fingerprint ${parsed.fingerprint.hex}\n              ${parsed.fingerprint.words.join(' ')}\n`,
  );
  return EXIT_OK;
}
