// `conclave qr decode IMAGE... --out FILE`: rebuilds a bundle from PNG images of its QR
// frames (docs/qr-transport.md), in any order, duplicates allowed, and writes it to FILE
// (never over an existing file). Every image must be a good frame of one bundle: an
// unreadable, damaged or foreign frame stops the decode and nothing is written.
// Exit: 0 written, 1 not decoded or not written, 2 usage.
import { resolve } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write';
import { decodeQrImages, QrDecodeError } from '../qr/index';
import { parseWithPositionals, UsageError, type Command } from './args';
import { fail, failWith } from './failure';
import type { CliRuntime } from './runtime';

export interface QrDecodeCommand {
  name: 'qr-decode';
  images: string[];
  out: string;
}

export const QR_USAGE = `Usage: conclave qr decode IMAGE... --out FILE

Rebuilds a bundle from PNG images of its QR frames: the frame-NNN.png files Conclave
writes under qr/, or photos and screenshots of the codes, cropped to one code each.

  IMAGE...    The frame images, in any order; duplicates do no harm, and about 80%
              of the frames of an animated code are enough
  --out FILE  Where to write the bundle; an existing file is never overwritten

Prints the bundle's size and SHA-256 (compare it with the one printed on the QR sheet)
and how many images were used. Every image must be a readable, undamaged frame of the
same bundle: otherwise each bad image is named with the reason and nothing is written.

Exit status: 0 the bundle was written, 1 it was not (a frame unreadable, damaged, of
another bundle or type, too few frames, or FILE exists), 2 usage error.`;

/** `conclave qr decode IMAGE... --out FILE`. */
export function parseQrCommand(args: string[]): Command {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('"conclave qr" needs a subcommand: decode.');
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" after "conclave qr ${sub}".`);
    return { name: 'help', topic: 'qr' };
  }
  if (sub !== 'decode') throw new UsageError(`Unknown qr subcommand "${sub}"; use "conclave qr decode IMAGE... --out FILE".`);
  const { values, positionals } = parseWithPositionals(rest, { out: { type: 'string' }, help: { type: 'boolean' } }, 'qr decode', true);
  if (values.help) return { name: 'help', topic: 'qr' };
  const images = positionals.filter((p) => p.trim() !== '');
  if (images.length === 0) throw new UsageError('"conclave qr decode" needs at least one frame IMAGE.');
  if (values.out === undefined || values.out.trim() === '') throw new UsageError('"conclave qr decode" needs --out FILE, where to write the bundle.');
  return { name: 'qr-decode', images, out: values.out };
}

function grouped(hex: string): string {
  return hex.toUpperCase().match(/.{4}/g)!.join(' ');
}

export async function runQrDecode(cmd: QrDecodeCommand, rt: CliRuntime): Promise<number> {
  const out = resolve(rt.cwd, cmd.out);
  const images = cmd.images.map((image) => resolve(rt.cwd, image));
  let decoded;
  try {
    decoded = await decodeQrImages(images);
  } catch (error) {
    if (error instanceof QrDecodeError) {
      const p = error.progress;
      if (p.fragmentsTotal > 0) rt.stderr(`Frames: ${p.used} used, ${p.redundant} not needed, ${p.refused} refused; ${p.fragmentsKnown} of ${p.fragmentsTotal} fragments known.\n`);
      return fail(rt, 1, `${error.message} Nothing was written.`, error.action);
    }
    return failWith(rt, 1, error);
  }
  let written;
  try {
    written = await writeFileAtomic(out, decoded.bytes);
  } catch (error) {
    return failWith(rt, 1, error);
  }
  const { progress } = decoded;
  rt.stdout(`Decoded a bundle of ${decoded.bytes.length} bytes from ${images.length} image(s): ${progress.used} frame(s) used, ${progress.redundant} not needed (duplicates or more than enough).\n`);
  rt.stdout(`SHA-256  ${written.sha256}\n`);
  rt.stdout(`         ${grouped(written.sha256)}\n`);
  rt.stdout(`Written  ${written.path}\n`);
  return 0;
}
