// QR transport of a bundle's bytes (docs/qr-transport.md): Uniform Resources under the
// type "conclave-bundle", one static code or fountain-coded frames.
export { BUNDLE_UR_TYPE, MAX_QR_PAYLOAD_BYTES, qrFramesFor, type QrFrames, type QrFramesOptions } from './frames';
export { UrMessageDecoder, MAX_MESSAGE_BYTES, type DecodeProgress, type FrameOutcome, type FrameRefusal } from './decoder';
export { decodeQrImages, frameFileName, QrDecodeError, SHEET_FILE, writeQrFolder, type DecodedImages, type ImageVerdict, type QrFolder, type QrFolderOptions } from './folder';
export { framePng, frameSymbol, readQrPng, QrImageError } from './png';
export { renderQrSheet, type SheetOptions } from './sheet';
