// `conclave bundle <subcommand>`: the ops side of key bundles (docs/bundle.md). "verify"
// checks a bundle file against a pinned root public key and prints what it holds and the
// root key's fingerprint for the operator to compare. Every subcommand loads and verifies
// the bundle through loadVerifiedBundle first, so a later "import" refuses exactly what
// "verify" refuses.
// Exit: 0 valid, 1 the bundle is refused (names why), 2 usage, 3 the bundle file or the
// root key file cannot be read, or the root key is not a usable public key.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DomainError } from '../../native/errors';
import { groupedHex } from '../quorum/fingerprint';
import { MAX_BUNDLE_BYTES } from '../bundle/format/schema';
import { rootKeyFromPem } from '../bundle/format/root-key';
import { verifyBundle, type VerifiedBundle } from '../bundle/format/verify';
import type { BundleManifest } from '../bundle/format/schema';
import { parseWithPositionals, UsageError, type Command } from './args';
import { BUNDLE_IMPORT_HELP, BUNDLE_IMPORT_SYNOPSIS, parseBundleImport } from './bundle-import';
import { fail } from './failure';
import type { CliRuntime } from './runtime';

export interface BundleVerifyCommand {
  name: 'bundle-verify';
  file: string;
  root: string;
  allowRehearsal: boolean;
  recipient: string | null;
  json: boolean;
}

export const BUNDLE_USAGE = `Usage: conclave bundle verify FILE --root PEM [--allow-rehearsal] [--recipient NAME] [--json]
${BUNDLE_IMPORT_SYNOPSIS}

Checks a key bundle from a ceremony (docs/bundle.md) on any machine, without an HSM:
its exact format, the signature by the ceremony's root key, that the root key is the
one you pinned, the expiry, the rehearsal flag and, when given, the recipient.

  verify    Prints the ceremony, the transcript hash at export, the key (label, id,
            algorithm, usage, version), the recipient, the wrap method, the expiry and
            the root key's fingerprint as hex and words. Compare the words with the
            ones the ceremony team published before you import.
    --root PEM          The pinned root public key ("-----BEGIN PUBLIC KEY-----"),
                        e.g. root-public.pem from the ceremony folder
    --allow-rehearsal   Accept a rehearsal bundle (never for production keys)
    --recipient NAME    Refuse a bundle made for anyone else than NAME
    --json              Print the result as JSON
${BUNDLE_IMPORT_HELP}

Exit status: 0 the bundle is valid (verify) or imported (import), 1 it is refused or
the import failed (the reason is printed; nothing was imported), 2 usage error (also:
import without a terminal and without --pin-env or --root-fingerprint), 3 the bundle
or root key file cannot be read, or the root key is not an EC P-256 or P-384 public key.`;

const PARSE_OPTIONS = {
  root: { type: 'string' },
  'allow-rehearsal': { type: 'boolean' },
  recipient: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** `conclave bundle verify FILE --root PEM [...]`; other subcommands join the switch. */
export function parseBundleCommand(args: string[]): Command {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('"conclave bundle" needs a subcommand: verify or import.');
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" after "conclave bundle ${sub}".`);
    return { name: 'help', topic: 'bundle' };
  }
  switch (sub) {
    case 'verify': {
      const { values, positionals } = parseWithPositionals(rest, PARSE_OPTIONS, 'bundle verify', true);
      if (values.help) return { name: 'help', topic: 'bundle' };
      if (positionals.length !== 1 || positionals[0]!.trim() === '') throw new UsageError('"conclave bundle verify" takes one bundle FILE.');
      if (values.root === undefined || values.root.trim() === '') throw new UsageError('"conclave bundle verify" needs --root PEM, the pinned root public key.');
      if (values.recipient !== undefined && values.recipient.trim() === '') throw new UsageError('--recipient needs a value.');
      return {
        name: 'bundle-verify',
        file: positionals[0]!,
        root: values.root,
        allowRehearsal: values['allow-rehearsal'] ?? false,
        recipient: values.recipient ?? null,
        json: values.json ?? false,
      };
    }
    case 'import':
      return parseBundleImport(rest);
    default:
      throw new UsageError(`Unknown bundle subcommand "${sub}"; use "conclave bundle verify FILE --root PEM" or "conclave bundle import FILE --root PEM ...".`);
  }
}

export interface BundleCheckOptions {
  file: string;
  root: string;
  allowRehearsal: boolean;
  recipient: string | null;
}

export type BundleLoad =
  | { ok: true; file: string; verified: VerifiedBundle }
  | { ok: false; status: 1 | 3; file: string; code: string; message: string; action: string };

function failure(status: 1 | 3, file: string, error: DomainError): BundleLoad {
  return { ok: false, status, file, code: error.code, message: error.message, action: error.action };
}

async function readBundleFile(path: string): Promise<Uint8Array | DomainError> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return new DomainError({ code: 'BUNDLE_UNREADABLE', message: `${path} is not a file.`, action: 'Give the path of the bundle file.' });
    if (info.size > MAX_BUNDLE_BYTES) {
      return new DomainError({ code: 'BUNDLE_MALFORMED', message: `${path} is ${info.size} bytes; a key bundle has at most ${MAX_BUNDLE_BYTES}.`, action: 'Check that this is the bundle file from the ceremony.' });
    }
    return new Uint8Array(await readFile(path));
  } catch (error) {
    return new DomainError({ code: 'BUNDLE_UNREADABLE', message: `The bundle file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, action: 'Check the path and that the medium is mounted and readable.' });
  }
}

/** Reads the root key and the bundle and verifies; never throws for a bad bundle or key. */
export async function loadVerifiedBundle(options: BundleCheckOptions, rt: CliRuntime): Promise<BundleLoad> {
  const file = resolve(rt.cwd, options.file);
  const rootPath = resolve(rt.cwd, options.root);
  let pem: string;
  try {
    pem = await readFile(rootPath, 'utf8');
  } catch (error) {
    return failure(3, file, new DomainError({ code: 'BUNDLE_ROOT_KEY_UNREADABLE', message: `The root key file ${rootPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, action: 'Give the path of the root public key (root-public.pem from the ceremony folder).' }));
  }
  let rootSpki: Uint8Array;
  try {
    rootSpki = rootKeyFromPem(pem).spki;
  } catch (error) {
    if (DomainError.is(error)) return failure(3, file, error);
    throw error;
  }
  const bytes = await readBundleFile(file);
  if (bytes instanceof DomainError) return failure(bytes.code === 'BUNDLE_UNREADABLE' ? 3 : 1, file, bytes);
  try {
    const verified = verifyBundle(bytes, {
      rootPublicKeySpki: rootSpki,
      now: new Date(),
      allowRehearsal: options.allowRehearsal,
      ...(options.recipient !== null ? { expectedRecipient: { name: options.recipient } } : {}),
    });
    return { ok: true, file, verified };
  } catch (error) {
    if (DomainError.is(error)) return failure(1, file, error);
    throw error;
  }
}

function until(expiresAt: string, now: number): string {
  const days = Math.floor((Date.parse(expiresAt) - now) / 86_400_000);
  return days < 1 ? 'less than a day from now' : days === 1 ? 'in 1 day' : `in ${days} days`;
}

function wrapDetails(manifest: BundleManifest): string {
  const w = manifest.wrap;
  switch (w.method) {
    case 'rsa-oaep':
    case 'rsa-aes-kwp':
      return `${w.method} (OAEP with ${w.oaepHash})`;
    case 'ecdh-aes-kwp':
      return `${w.method} (${w.curve}, KDF ${w.kdf})`;
    case 'transport-kek-kwp':
      return `${w.method} (transport key "${w.kekLabel}", check value ${w.kekCheckValue})`;
  }
}

function summary(load: Extract<BundleLoad, { ok: true }>, now: number): string {
  const { manifest: m, sha256, root, signatureAlgorithm } = load.verified;
  const rows: Array<[string, string]> = [
    ['File', load.file],
    ['SHA-256', groupedHex(Buffer.from(sha256, 'hex'))],
    ['Ceremony', m.ceremonyId],
    ['Transcript', `entry ${m.transcriptHead.seq}, hash ${m.transcriptHead.hash}`],
    ['Exported', m.exportedAt],
    ['Expires', `${m.expiresAt} (${until(m.expiresAt, now)})`],
    ['Key', `${m.key.label} (id ${m.key.id}), ${m.key.algorithm}, usage ${m.key.usage}, version ${m.key.version}`],
    ...(m.key.publicKeyFingerprint ? ([['Public key', m.key.publicKeyFingerprint]] as Array<[string, string]>) : []),
    ['Recipient', `${m.recipient.name} (${m.recipient.kind}, key ${m.recipient.keyFingerprint})`],
    ...(m.recipient.awsKms ? ([['AWS KMS', `${m.recipient.awsKms.wrappingAlgorithm}${m.recipient.awsKms.keyId ? `, key ${m.recipient.awsKms.keyId}` : ''}`]] as Array<[string, string]>) : []),
    ['Wrapped with', wrapDetails(m)],
    ['Rehearsal', m.rehearsal ? 'YES: a rehearsal bundle, for practice only' : 'no'],
    ['Signature', `${signatureAlgorithm}, by the pinned root key`],
    ['Root key', root.groupedHex],
    ['', root.words.join(' ')],
  ];
  const lines = [`VALID  key bundle "${m.key.label}" for ${m.recipient.name}${m.rehearsal ? ' (REHEARSAL)' : ''}`];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(13)} ${value}`);
  lines.push("Compare the root key's fingerprint words with the ones the ceremony team published before you import this bundle.");
  return `${lines.join('\n')}\n`;
}

export async function runBundleVerify(cmd: BundleVerifyCommand, rt: CliRuntime): Promise<number> {
  const load = await loadVerifiedBundle(cmd, rt);
  const now = Date.now();
  if (cmd.json) {
    const body = load.ok
      ? { ok: true, file: load.file, sha256: load.verified.sha256, signatureAlgorithm: load.verified.signatureAlgorithm, root: load.verified.root, manifest: load.verified.manifest }
      : { ok: false, file: load.file, code: load.code, message: load.message, action: load.action };
    rt.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return load.ok ? 0 : load.status;
  }
  if (load.ok) {
    rt.stdout(summary(load, now));
    return 0;
  }
  rt.stderr(`NOT VALID (${load.code})  ${load.file}\n`);
  return fail(rt, load.status, load.message, load.action);
}
