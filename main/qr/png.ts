// QR frame text <-> PNG image. Frames are encoded by the qrcode package in alphanumeric
// mode with error correction M and drawn black on white with a four-module quiet zone
// and whole pixels per module, so zbarimg and jsQR read them straight from the file;
// reading uses jsQR on the decoded pixels.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';

export const QR_ERROR_CORRECTION = 'M';
/** Quiet zone in modules (the QR standard's minimum). */
export const QR_MARGIN = 4;
/** Pixels per module in the PNG files. */
export const QR_SCALE = 6;

/** One alphanumeric segment: the text is upper-case UR, all in the QR alphanumeric set. */
function segments(text: string): QRCode.QRCodeSegment[] {
  return [{ data: text, mode: 'alphanumeric' }];
}

/** The QR symbol for a frame text: its version and module matrix. */
export function frameSymbol(text: string): { version: number; size: number; dark(x: number, y: number): boolean } {
  const qr = QRCode.create(segments(text), { errorCorrectionLevel: QR_ERROR_CORRECTION });
  return { version: qr.version, size: qr.modules.size, dark: (x, y) => qr.modules.get(y, x) === 1 };
}

/**
 * The frame as an 8-bit greyscale PNG, `scale` pixels per module (drawn here with pngjs:
 * the qrcode package's own PNG writer is RGBA and several times slower, which adds up
 * over a hundred frames and their sheet).
 */
export function framePng(text: string, scale = QR_SCALE): Uint8Array {
  const symbol = frameSymbol(text);
  const side = (symbol.size + 2 * QR_MARGIN) * scale;
  const pixels = Buffer.alloc(side * side, 0xff);
  for (let y = 0; y < symbol.size; y++) {
    for (let x = 0; x < symbol.size; x++) {
      if (!symbol.dark(x, y)) continue;
      const left = (x + QR_MARGIN) * scale;
      for (let row = (y + QR_MARGIN) * scale, end = row + scale; row < end; row++) pixels.fill(0, row * side + left, row * side + left + scale);
    }
  }
  const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = pixels;
  // The "up" filter for every row: each module row repeats `scale` times, so most rows become zeros; trying every filter per row was most of the time.
  const bytes = PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8, filterType: 2 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Why a PNG gave no frame text. */
export class QrImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QrImageError';
  }
}

/** Reads the QR code in a PNG image; throws QrImageError when it is no PNG or holds no readable code. */
export function readQrPng(png: Uint8Array): string {
  let image: PNG;
  try {
    image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (error) {
    throw new QrImageError(`it is not a PNG image Conclave can read (${(error as Error).message})`);
  }
  const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const found = jsQR(pixels, image.width, image.height, { inversionAttempts: 'attemptBoth' });
  if (!found) throw new QrImageError('no QR code could be read in it (damaged, cut off or blurred)');
  // Frame texts are ASCII; anything else is certainly not a frame, and decoding bytes as
  // Latin-1 keeps every byte visible in the reason instead of guessing an encoding.
  return String.fromCharCode(...found.binaryData);
}
