// Checks on what callers ask for (labels, ids, data sizes) before anything reaches the
// token, each failing with a DomainError that says what is wrong and how to fix it.
import { DomainError } from '../errors';

export const MAX_DATA_BYTES = 64 * 1024 * 1024;
export const MAX_LABEL_BYTES = 128;
export const MAX_ID_BYTES = 64;
export const utf8 = new TextEncoder();

export function labelBytes(label: string): Uint8Array {
  if (typeof label !== 'string' || label.length === 0 || /[\u0000-\u001f\u007f]/u.test(label) || label.trim() !== label) {
    throw new DomainError({
      code: 'LABEL_INVALID',
      message: 'A key label must be non-empty, without control characters or leading/trailing spaces.',
      action: 'Choose a label such as "root-2025-ksk".',
    });
  }
  const bytes = utf8.encode(label);
  if (bytes.length > MAX_LABEL_BYTES) {
    throw new DomainError({
      code: 'LABEL_INVALID',
      message: `The key label is ${bytes.length} bytes long; at most ${MAX_LABEL_BYTES} are allowed.`,
      action: 'Choose a shorter label.',
    });
  }
  return bytes;
}

export function idBytes(id: string): Uint8Array {
  if (typeof id !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(id) || id.length / 2 > MAX_ID_BYTES) {
    throw new DomainError({
      code: 'ID_INVALID',
      message: `The key id "${String(id).slice(0, 40)}" is not an even-length hex string of 1 to ${MAX_ID_BYTES} bytes.`,
      action: 'Give the id as hex, for example "a1b2c3d4", or leave it out to have one generated.',
    });
  }
  return Uint8Array.from(Buffer.from(id, 'hex'));
}

export function tokenLabelField(label: string): string {
  if (typeof label !== 'string' || label.length === 0 || /[\u0000-\u001f\u007f]/u.test(label)) {
    throw new DomainError({
      code: 'LABEL_INVALID',
      message: 'A token label must be non-empty text without control characters.',
      action: 'Choose a label such as "ROOT CEREMONY 2025".',
    });
  }
  const bytes = utf8.encode(label);
  if (bytes.length > 32) {
    throw new DomainError({
      code: 'LABEL_INVALID',
      message: `The token label "${label}" is ${bytes.length} bytes long; PKCS#11 token labels hold at most 32.`,
      action: 'Choose a shorter token label.',
    });
  }
  // CK_TOKEN_INFO.label is a fixed 32-byte field, blank padded; modules read all 32 bytes.
  return label + ' '.repeat(32 - bytes.length);
}

export function checkData(data: Uint8Array, what: string): void {
  if (!(data instanceof Uint8Array) || data.length > MAX_DATA_BYTES) {
    throw new DomainError({
      code: 'BAD_REQUEST',
      message: `The ${what} must be bytes, at most ${MAX_DATA_BYTES} of them.`,
      action: 'Check the input.',
    });
  }
}

export function sameSlot(a: string, b: string): void {
  if (a !== b) {
    throw new DomainError({
      code: 'BAD_REQUEST',
      message: `The wrapping key (slot ${a}) and the key to wrap (slot ${b}) are on different tokens.`,
      action: 'Both keys must be on the same token.',
    });
  }
}
