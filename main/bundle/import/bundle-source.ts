// Where a bundle to import comes from: a file (a medium from the ceremony), or the QR
// frames it travelled as, given as image files or folders of them. Either way the result
// is the bundle's exact bytes; nothing about them is trusted until verifyBundle says so.
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DomainError } from '../../../native/errors';
import { sha256Hex } from '../../files/atomic-write';
import { decodeQrImages } from '../../qr/index';
import { MAX_BUNDLE_BYTES } from '../format/schema';
import { importError } from './errors';

export type BundleSource = { kind: 'file'; path: string } | { kind: 'qr-images'; paths: string[] };

/** How the bytes arrived, for the operator and the import record. */
export type BundleOrigin =
  | { kind: 'file'; path: string }
  | { kind: 'qr-images'; images: string[]; framesUsed: number }
  | { kind: 'camera'; framesUsed: number; framesRead: number };

export interface LoadedBundle {
  bytes: Uint8Array;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  origin: BundleOrigin;
}

function unreadable(path: string, error: unknown): DomainError {
  const code = (error as NodeJS.ErrnoException).code;
  return new DomainError({
    code: 'BUNDLE_UNREADABLE',
    message: `The bundle file ${path} cannot be read (${code ?? (error as Error).message}).`,
    action: 'Check the path and that the medium is mounted and readable.',
  });
}

/** The bytes of a bundle file; refuses a folder and anything larger than a bundle can be. */
export async function readBundleFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new DomainError({ code: 'BUNDLE_UNREADABLE', message: `${path} is not a file.`, action: 'Give the path of the bundle file (…bundle.json), or use the QR frames.' });
    size = info.size;
  } catch (error) {
    if (DomainError.is(error)) throw error;
    throw unreadable(path, error);
  }
  if (size > MAX_BUNDLE_BYTES) {
    throw new DomainError({
      code: 'BUNDLE_MALFORMED',
      message: `${path} is ${size} bytes; a key bundle has at most ${MAX_BUNDLE_BYTES}.`,
      action: 'Check that this is the bundle file from the ceremony.',
    });
  }
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw unreadable(path, error);
  }
}

/**
 * The image files named by `paths`: files as given, and for a folder the PNG files in it
 * (frame-001.png…, in name order; the printable sheet.pdf and anything else is left out).
 */
export async function expandImagePaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    let isDirectory = false;
    try {
      isDirectory = (await lstat(path)).isDirectory();
    } catch {
      // A missing image is named by the QR decoder with every other bad image.
    }
    if (!isDirectory) {
      out.push(path);
      continue;
    }
    const pngs = (await readdir(path)).filter((name) => /\.png$/iu.test(name) && !name.startsWith('.')).sort();
    if (pngs.length === 0) {
      throw importError('IMPORT_SOURCE_EMPTY', `The folder ${path} holds no PNG images of QR frames.`, 'Give the folder with the frame-NNN.png files (qr/ in the ceremony folder), or the images themselves.');
    }
    out.push(...pngs.map((name) => join(path, name)));
  }
  return out;
}

/** Reads the bundle's bytes from a file or reassembles them from QR frame images. */
export async function loadBundle(source: BundleSource, cwd: string): Promise<LoadedBundle> {
  if (source.kind === 'file') {
    const path = resolve(cwd, source.path);
    const bytes = await readBundleFile(path);
    return { bytes, sha256: sha256Hex(bytes), origin: { kind: 'file', path } };
  }
  const images = await expandImagePaths(source.paths, cwd);
  if (images.length === 0) throw importError('IMPORT_SOURCE_EMPTY', 'No QR frame images were given.', 'Name the frame images or the folder that holds them.');
  const decoded = await decodeQrImages(images);
  return { bytes: decoded.bytes, sha256: decoded.sha256, origin: { kind: 'qr-images', images, framesUsed: decoded.progress.used } };
}
