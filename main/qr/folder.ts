// A bundle's QR frames as files, and back. writeQrFolder puts frame-001.png... and
// sheet.pdf into a folder (each written atomically, none ever overwritten);
// decodeQrImages reads a set of such images back to the payload bytes, refusing the lot
// when any image is unreadable, damaged, of another type or of another message, so a
// person who hands over files learns about every bad one and nothing half-right is used.
import { mkdir, readFile, lstat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DomainError } from '../../native/errors';
import { sha256Hex, writeFileAtomic, type WrittenFile } from '../files/atomic-write';
import { CborError } from './cbor';
import { UrMessageDecoder, type DecodeProgress, type FrameRefusal } from './decoder';
import { BUNDLE_UR_TYPE, qrFramesFor, type QrFrames } from './frames';
import { framePng, QrImageError, readQrPng } from './png';
import { renderQrSheet, type SheetOptions } from './sheet';

export const SHEET_FILE = 'sheet.pdf';
/** Frame files are numbered from 1 with three digits: frame-001.png. */
export function frameFileName(index: number): string {
  return `frame-${String(index + 1).padStart(3, '0')}.png`;
}

export interface QrFolderOptions extends SheetOptions {
  type?: string;
}

export interface QrFolder {
  frames: QrFrames;
  /** The frame PNGs in order, then the sheet; each with the SHA-256 read back from disk. */
  files: WrittenFile[];
}

async function absent(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** Writes the frames of `bytes` and their sheet into `dir` (made if missing). */
export async function writeQrFolder(dir: string, bytes: Uint8Array, options: QrFolderOptions = {}): Promise<QrFolder> {
  const frames = qrFramesFor(bytes, { type: options.type ?? BUNDLE_UR_TYPE });
  const names = [...frames.texts.map((_, i) => frameFileName(i)), SHEET_FILE];
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new DomainError({
      code: 'QR_FOLDER_UNWRITABLE',
      message: `The folder ${dir} for the QR frames cannot be made (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      action: 'Check that the medium is mounted and writable, then try again.',
    });
  }
  // Checked up front so a folder that already holds frames is refused before any new file lands beside them.
  for (const name of names) {
    if (!(await absent(join(dir, name)))) {
      throw new DomainError({
        code: 'FILE_EXISTS',
        message: `${join(dir, name)} already exists; the QR frames of one bundle go into a folder of their own and are never overwritten.`,
        action: 'Choose an empty folder, or move the existing frames away after checking what they are.',
      });
    }
  }
  const files: WrittenFile[] = [];
  for (let i = 0; i < frames.texts.length; i++) {
    files.push(await writeFileAtomic(join(dir, names[i]!), framePng(frames.texts[i]!), { mode: 0o644 }));
  }
  files.push(await writeFileAtomic(join(dir, SHEET_FILE), await renderQrSheet(frames, bytes.length, options), { mode: 0o644 }));
  return { frames, files };
}

export type ImageVerdict =
  | { path: string; status: 'used' | 'redundant' }
  | { path: string; status: 'refused'; code: FrameRefusal | 'UNREADABLE'; reason: string };

export interface DecodedImages {
  bytes: Uint8Array;
  /** Lower-case hex SHA-256 of `bytes`. */
  sha256: string;
  images: ImageVerdict[];
  progress: DecodeProgress;
}

/** The error decodeQrImages throws; `images` says what happened to every image. */
export class QrDecodeError extends DomainError {
  constructor(
    value: { code: string; message: string; action: string },
    readonly images: ImageVerdict[],
    readonly progress: DecodeProgress,
  ) {
    super(value);
  }
}

const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

async function frameText(path: string): Promise<string> {
  let png: Uint8Array;
  try {
    const info = await lstat(path);
    if (!info.isFile()) throw new QrImageError('it is not a file');
    if (info.size > MAX_IMAGE_BYTES) throw new QrImageError(`it is ${info.size} bytes, more than the ${MAX_IMAGE_BYTES} a frame image may be`);
    png = new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof QrImageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new QrImageError(code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${code ?? (error as Error).message})`);
  }
  return readQrPng(png);
}

const REFUSAL_WORDS: Record<FrameRefusal | 'UNREADABLE', string> = {
  UNREADABLE: 'unreadable',
  NOT_UR: 'not a Conclave frame',
  DAMAGED: 'damaged',
  WRONG_TYPE: 'of another UR type',
  OTHER_MESSAGE: 'of another message',
  INCONSISTENT: 'inconsistent',
};

/** Reads PNG frame images (any order, duplicates allowed) back to the payload bytes. */
export async function decodeQrImages(paths: readonly string[], options: { type?: string } = {}): Promise<DecodedImages> {
  const decoder = new UrMessageDecoder(options.type ?? BUNDLE_UR_TYPE);
  const images: ImageVerdict[] = [];
  if (paths.length === 0) {
    throw new QrDecodeError({ code: 'QR_NO_IMAGES', message: 'No QR frame images were given.', action: 'Name the frame images, for example qr/frame-*.png.' }, images, decoder.progress());
  }
  for (const path of paths) {
    let text: string;
    try {
      text = await frameText(path);
    } catch (error) {
      if (!(error instanceof QrImageError)) throw error;
      images.push({ path, status: 'refused', code: 'UNREADABLE', reason: `${basename(path)}: ${error.message}.` });
      continue;
    }
    const outcome = decoder.receive(text);
    if (outcome.status === 'refused') images.push({ path, status: 'refused', code: outcome.code, reason: `${basename(path)}: ${outcome.reason}` });
    else images.push({ path, status: outcome.status });
  }
  const progress = decoder.progress();
  const refused = images.filter((i): i is Extract<ImageVerdict, { status: 'refused' }> => i.status === 'refused');
  if (refused.length > 0) {
    const kinds = [...new Set(refused.map((r) => REFUSAL_WORDS[r.code]))].join(', ');
    const listed = refused.slice(0, 8).map((r) => `  ${r.reason}`).join('\n');
    const more = refused.length > 8 ? `\n  ... and ${refused.length - 8} more` : '';
    const code = refused.every((r) => r.code === 'OTHER_MESSAGE') ? 'QR_FRAME_OTHER_MESSAGE' : refused.every((r) => r.code === 'UNREADABLE') ? 'QR_IMAGE_UNREADABLE' : refused.every((r) => r.code === 'WRONG_TYPE') ? 'QR_FRAME_WRONG_TYPE' : 'QR_FRAME_DAMAGED';
    throw new QrDecodeError(
      {
        code,
        message: `${refused.length} of ${paths.length} image(s) were refused (${kinds}); nothing was decoded:\n${listed}${more}`,
        action: 'Leave out images of other bundles, re-scan or re-copy damaged frames from the original sheet or folder, and try again. A frame that was altered must not be used.',
      },
      images,
      progress,
    );
  }
  const failure = decoder.failed();
  if (failure !== null) {
    throw new QrDecodeError({ code: 'QR_CHECKSUM_MISMATCH', message: failure, action: 'The frames do not belong together or one was altered: scan them again from the original.' }, images, progress);
  }
  if (!progress.complete) {
    const missing = progress.fragmentsTotal - progress.fragmentsKnown;
    throw new QrDecodeError(
      {
        code: 'QR_INCOMPLETE',
        message: `The ${paths.length} image(s) are not enough to rebuild the bundle: ${progress.fragmentsKnown} of its ${progress.fragmentsTotal} fragments are known; at least ${missing} more frame(s) are needed, usually a few more than that.`,
        action: 'Add more frames of the same bundle (any of them, in any order) and try again.',
      },
      images,
      progress,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = decoder.bytes()!;
  } catch (error) {
    if (!(error instanceof CborError)) throw error;
    throw new QrDecodeError(
      { code: 'QR_PAYLOAD_INVALID', message: `The frames were reassembled, but their content is not a Conclave payload: ${error.message}.`, action: 'These frames were not made by Conclave; ask the sender for the bundle again.' },
      images,
      progress,
    );
  }
  return { bytes, sha256: sha256Hex(bytes), images, progress };
}
