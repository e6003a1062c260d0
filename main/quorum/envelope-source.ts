// Where a presented envelope comes from: a file on removable media, a photo or scan of
// its QR code (PNG), or text pasted by hand; and the QR code Conclave prints for it.
// Reading returns the envelope text; parseEnvelope checks it.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { DomainError } from '../../native/errors';
import type { EnvelopeSource } from '../../preload/contract';
import { MAX_ENVELOPE_CHARS } from './envelope';

const MAX_PNG_BYTES = 32 * 1024 * 1024;
/** Pixels per QR module and quiet-zone width (modules) of the printed code. */
export const QR_SCALE = 4;
export const QR_MARGIN = 4;

function unreadable(code: string, message: string, action: string): DomainError {
  return new DomainError({ code, message, action });
}

const FILE_ACTION = "Choose the custodian's envelope file (a .json file written by Conclave), or present its QR code or text instead.";
const QR_ACTION = 'Use a sharp, straight, well-lit PNG image showing the whole QR code with its white border, or present the envelope file or text instead.';

/** Decodes UTF-8 strictly, drops a byte-order mark and surrounding whitespace (editors and paste add them). */
function cleanText(bytes: Uint8Array, where: string, code: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw unreadable(code, `${where} is not text (it is not valid UTF-8), so it is not a share envelope.`, code === 'ENVELOPE_QR_UNREADABLE' ? QR_ACTION : FILE_ACTION);
  }
  return text.replace(/^\uFEFF/, '').trim();
}

async function readLimited(path: string, max: number, code: string, what: string, action: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    throw unreadable(code, `The ${what} ${path} ${reason}.`, action);
  }
  if (!info.isFile()) throw unreadable(code, `The ${what} ${path} is not a file.`, action);
  if (info.size > max) throw unreadable(code, `The ${what} ${path} is ${info.size} bytes, more than the ${max} a ${what} can be.`, action);
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw unreadable(code, `The ${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, action);
  }
}

/** Decodes the QR code in a PNG image to its bytes; null when none is found. */
export function decodeQrPng(png: Uint8Array): Uint8Array | null {
  const image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const found = jsQR(pixels, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  return found ? Uint8Array.from(found.binaryData) : null;
}

/** The envelope text from a file, a QR image or pasted text; clear errors naming the source. */
export async function readEnvelopeSource(source: EnvelopeSource): Promise<string> {
  switch (source.kind) {
    case 'file': {
      const bytes = await readLimited(source.path, MAX_ENVELOPE_CHARS + 1024, 'ENVELOPE_UNREADABLE', 'envelope file', FILE_ACTION);
      const text = cleanText(bytes, `The file ${source.path}`, 'ENVELOPE_UNREADABLE');
      if (text === '') throw unreadable('ENVELOPE_UNREADABLE', `The envelope file ${source.path} is empty.`, FILE_ACTION);
      return text;
    }
    case 'qr-image': {
      const bytes = await readLimited(source.path, MAX_PNG_BYTES, 'ENVELOPE_QR_UNREADABLE', 'QR image', QR_ACTION);
      let decoded: Uint8Array | null;
      try {
        decoded = decodeQrPng(bytes);
      } catch {
        throw unreadable('ENVELOPE_QR_UNREADABLE', `${basename(source.path)} is not a PNG image Conclave can read (${source.path}).`, QR_ACTION);
      }
      if (!decoded) throw unreadable('ENVELOPE_QR_UNREADABLE', `No QR code could be read in the image ${source.path}.`, QR_ACTION);
      const text = cleanText(decoded, `The QR code in ${source.path}`, 'ENVELOPE_QR_UNREADABLE');
      if (text === '') throw unreadable('ENVELOPE_QR_UNREADABLE', `The QR code in ${source.path} holds no text.`, QR_ACTION);
      return text;
    }
    case 'text': {
      const text = source.text.replace(/^\uFEFF/, '').trim();
      if (text === '') {
        throw unreadable('ENVELOPE_UNREADABLE', 'The pasted envelope text is empty.', "Paste the whole envelope text, from the first '{' to the last '}'.");
      }
      if (text.length > MAX_ENVELOPE_CHARS) {
        throw unreadable('ENVELOPE_UNREADABLE', `The pasted text is ${text.length} characters, more than an envelope can be (${MAX_ENVELOPE_CHARS}).`, 'Paste only the envelope text.');
      }
      return text;
    }
  }
}

/** A PNG of the envelope text as one QR code (byte mode, error correction M). */
export async function envelopeQrPng(text: string): Promise<Uint8Array> {
  let png: Buffer;
  try {
    png = await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: QR_MARGIN, scale: QR_SCALE });
  } catch (error) {
    throw new DomainError({
      code: 'ENVELOPE_QR_TOO_LARGE',
      message: `The envelope (${text.length} characters) does not fit in one QR code: ${(error as Error).message}.`,
      action: 'Save the envelope as a file or print its text instead.',
    });
  }
  return new Uint8Array(png);
}
