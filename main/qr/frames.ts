// Bytes -> the texts of the QR frames that carry them (docs/qr-transport.md). A message
// small enough for one modest code travels as a single-part UR, shown as one static QR;
// anything larger as fountain-coded parts, shown one after another. Either way the
// payload is the bytes as one CBOR byte string under the UR type "conclave-bundle", and
// the texts are upper case so QR alphanumeric mode carries them compactly.
import { sha256 } from '@noble/hashes/sha2.js';
import { DomainError } from '../../native/errors';
import { encodeBytes } from './cbor';
import { crc32 } from './crc32';
import { fountainParts, nominalFragmentLength } from './fountain';
import { framesToEmit } from './plan';
import { multiPartUr, singlePartUr, UR_TYPE_PATTERN } from './ur';

export const BUNDLE_UR_TYPE = 'conclave-bundle';
/** Fragment length bounds of the fountain code; with them every frame fits QR version 12 (M). */
export const MAX_FRAGMENT_BYTES = 176;
export const MIN_FRAGMENT_BYTES = 10;
/** The largest UR message (CBOR) sent as one static code: its text fits QR version 20 (M). */
export const STATIC_MAX_MESSAGE_BYTES = 471;
/** Larger payloads go on removable media only: their animation would run for minutes. */
export const MAX_QR_PAYLOAD_BYTES = 16 * 1024;
/** Longest frame text (QR version 12, error correction M, alphanumeric: 419 characters). */
export const MAX_FRAME_CHARS = 419;
/** Longest static text (QR version 20, error correction M, alphanumeric: 970 characters). */
export const MAX_STATIC_CHARS = 970;

export interface QrFramesOptions {
  /** The UR type; Conclave's bundles use BUNDLE_UR_TYPE. */
  type?: string;
}

export interface QrFrames {
  /** The UR type the frames carry. */
  type: string;
  /** The frame texts, upper case, in the order to show them. */
  texts: string[];
  /** True when the whole message is one single-part UR (one static code). */
  staticFrame: boolean;
  /** Fountain fragments (1 for a static code) and their length in bytes. */
  fragments: number;
  fragmentLength: number;
  /** The UR message: the payload as a CBOR byte string; its length and CRC-32. */
  messageLength: number;
  checksum: number;
  /** Lower-case hex SHA-256 of the payload bytes (what a receiver's file will hash to). */
  sha256: string;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function qrFramesFor(bytes: Uint8Array, options: QrFramesOptions = {}): QrFrames {
  const type = options.type ?? BUNDLE_UR_TYPE;
  if (!UR_TYPE_PATTERN.test(type)) throw new RangeError(`"${type}" is not a UR type`);
  if (bytes.length === 0) {
    throw new DomainError({ code: 'QR_EMPTY', message: 'There is nothing to put in QR codes: the bundle is empty.', action: 'Export the bundle again; an empty file is never a bundle.' });
  }
  if (bytes.length > MAX_QR_PAYLOAD_BYTES) {
    throw new DomainError({
      code: 'QR_TOO_LARGE',
      message: `The bundle is ${bytes.length} bytes; QR transport carries at most ${MAX_QR_PAYLOAD_BYTES} bytes (more would take minutes of frames).`,
      action: 'Carry this bundle on removable media instead.',
    });
  }
  const message = encodeBytes(bytes);
  const digest = hex(sha256(bytes));
  const checksum = crc32(message);
  if (message.length <= STATIC_MAX_MESSAGE_BYTES) {
    const text = singlePartUr(type, message).toUpperCase();
    assertLength(text, MAX_STATIC_CHARS);
    return { type, texts: [text], staticFrame: true, fragments: 1, fragmentLength: message.length, messageLength: message.length, checksum, sha256: digest };
  }
  const fragmentLength = nominalFragmentLength(message.length, MIN_FRAGMENT_BYTES, MAX_FRAGMENT_BYTES);
  const fragments = Math.ceil(message.length / fragmentLength);
  const total = framesToEmit(fragments, checksum);
  const texts = fountainParts(message, fragmentLength, 1, total).map((part) => multiPartUr(type, part).toUpperCase());
  for (const text of texts) assertLength(text, MAX_FRAME_CHARS);
  return { type, texts, staticFrame: false, fragments, fragmentLength, messageLength: message.length, checksum, sha256: digest };
}

function assertLength(text: string, max: number): void {
  // Guaranteed by the constants above for every payload up to MAX_QR_PAYLOAD_BYTES with a type as long as BUNDLE_UR_TYPE.
  if (text.length > max) throw new RangeError(`a QR frame of ${text.length} characters exceeds ${max}; the UR type is too long for these frame sizes`);
}
