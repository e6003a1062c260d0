// A written bundle as the QR frames the step card shows (docs/qr-transport.md). The bytes
// come from the bundle file in the ceremony folder, and only when they are exactly what
// the transcript's file-written entry records: a bundle changed or swapped after the
// export would otherwise leave the room through the screen, unnoticed.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../../native/errors';
import type { BundleFrames } from '../../../preload/contract';
import { bundleFileName } from '../../bundle/format';
import { sha256Hex } from '../../files/atomic-write';
import { qrFramesFor } from '../../qr';
import type { ChainEntry } from '../../transcript';
import { BUNDLES_FOLDER } from '../engine';
import type { CeremonyScript, StepOf } from '../script';

const refused = (code: string, message: string, action: string) => new DomainError({ code, message, action });

/** The bundle's path in the ceremony folder, as the export step names it. */
export function bundlePathOf(script: CeremonyScript, step: StepOf<'export-bundle'>): string {
  const p = step.params;
  return `${BUNDLES_FOLDER}/${bundleFileName({ key: { label: p.label, version: p.version }, recipient: { name: p.recipient.name }, rehearsal: script.ceremony.rehearsal })}`;
}

export async function bundleFramesFor(dir: string, script: CeremonyScript, step: StepOf<'export-bundle'>, entries: readonly ChainEntry[]): Promise<BundleFrames> {
  const rel = bundlePathOf(script, step);
  const fileName = rel.slice(BUNDLES_FOLDER.length + 1);
  let recorded: { sha256: string; bytes: number } | null = null;
  for (const { entry } of entries) {
    if (entry.type === 'file-written' && entry.data.path === rel) recorded = { sha256: entry.data.sha256, bytes: entry.data.bytes };
  }
  if (!recorded) {
    throw refused('BUNDLE_NOT_WRITTEN', `The transcript records no bundle ${rel} for the step "${step.id}" yet.`, 'Perform the export step first; its bundle is shown as QR codes once it is written.');
  }
  const path = join(dir, rel);
  const changed = (why: string) =>
    refused(
      'BUNDLE_CHANGED',
      `${path} is not the bundle the transcript records (${why}), so it is not shown as QR codes.`,
      'Do not carry this file out of the room. Find out who changed the ceremony folder; the transcript keeps the SHA-256 of the bundle that was exported.',
    );
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw changed('it is not a file');
    if (info.size !== recorded.bytes) throw changed(`it has ${info.size} bytes, the transcript records ${recorded.bytes}`);
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    if (DomainError.is(error)) throw error;
    throw changed(`it cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const sha256 = sha256Hex(bytes);
  if (sha256 !== recorded.sha256) throw changed(`its SHA-256 is ${sha256}, the transcript records ${recorded.sha256}`);
  const frames = qrFramesFor(bytes);
  return { fileName, sha256, bytes: bytes.length, staticFrame: frames.staticFrame, texts: frames.texts };
}
