// Values as PKCS#11 attributes carry them (CK_ULONG, CK_BBOOL, UTF-8 and byte strings)
// turned into the names and types the protocol uses, and back.
import type * as pkcs11js from 'pkcs11js';
import { decodeUlong, type TemplateAttribute } from './key-templates';
import {
  CKK_AES,
  CKK_EC,
  CKK_EC_EDWARDS,
  CKK_GENERIC_SECRET,
  CKK_RSA,
  CKO_CERTIFICATE,
  CKO_DATA,
  CKO_PRIVATE_KEY,
  CKO_PUBLIC_KEY,
  CKO_SECRET_KEY,
} from './pkcs11-constants';
import type { KeyTypeName, ObjectClassName } from './protocol';

export const CLASS_VALUES: Record<Exclude<ObjectClassName, 'other'>, number> = {
  data: CKO_DATA,
  certificate: CKO_CERTIFICATE,
  public: CKO_PUBLIC_KEY,
  private: CKO_PRIVATE_KEY,
  secret: CKO_SECRET_KEY,
};

export function className(value: number | null): ObjectClassName {
  for (const [name, v] of Object.entries(CLASS_VALUES)) if (v === value) return name as ObjectClassName;
  return 'other';
}

export function keyTypeNameOf(value: number | null): KeyTypeName | null {
  if (value === null) return null;
  switch (value) {
    case CKK_RSA:
      return 'rsa';
    case CKK_EC:
      return 'ec';
    case CKK_EC_EDWARDS:
      return 'ec-edwards';
    case CKK_AES:
      return 'aes';
    case CKK_GENERIC_SECRET:
      return 'generic-secret';
    default:
      return 'other';
  }
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A copy that owns its memory, so nothing returned aliases a pkcs11js buffer. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export function pkcs11Template(attributes: TemplateAttribute[]): pkcs11js.Template {
  return attributes.map((a) => ({ type: a.type, value: a.value instanceof Uint8Array ? toBuffer(a.value) : a.value }));
}

export function ulong(bytes: Uint8Array | null | undefined): number | null {
  return bytes ? decodeUlong(bytes) : null;
}

export function bool(bytes: Uint8Array | null | undefined): boolean | null {
  return bytes && bytes.length === 1 ? bytes[0] !== 0 : null;
}

export function text(bytes: Uint8Array | null | undefined): string {
  return bytes ? new TextDecoder().decode(bytes) : '';
}

export function hex(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '';
}
