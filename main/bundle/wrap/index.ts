// Wrapping keys for bundle recipients and importing them on the other side (docs/key-wrapping.md).
export { WRAP_METHODS, OAEP_HASHES, WrapRecordSchema, RecipientRecordSchema } from './wrap-record';
export type { WrapMethod, OaepHash, WrapRecord, RecipientRecord, RecipientKey } from './wrap-record';
export { wrapForRecipient, recipientRecordFor, type WrapOptions } from './wrap-for-recipient';
export { unwrapForImport, parseWrapRecord, type ImportOptions } from './unwrap-for-import';
export { establishTransportKek, findTransportKek, type TransportKekSetup, type EstablishOptions, type TokenRef } from './transport-kek';
export { findRecipientKey } from './find-recipient-key';
export { describeRecipientKey, spkiFingerprint, spkiFromInput, type RecipientKeyInfo } from './recipient-key';
export { KEY_KINDS, type ImportUsage } from './key-kinds';
export type { WrapHsm } from './wrap-hsm';
