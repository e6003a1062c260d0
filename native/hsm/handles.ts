// PKCS#11 handles (CK_SLOT_ID, CK_OBJECT_HANDLE) are CK_ULONGs that pkcs11js carries as
// native-endian byte buffers. Outside the worker they travel as decimal strings, and
// object handles are wrapped in an opaque reference naming the worker instance that
// issued them: handles mean nothing in another process or after a restart.
import { DomainError } from '../errors';

/** CK_ULONG buffer (little-endian, 4 or 8 bytes as the platform has it) → decimal string. */
export function ulongBufferToDecimal(buffer: Uint8Array): string {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer.length === 8) return view.getBigUint64(0, true).toString();
  if (buffer.length === 4) return view.getUint32(0, true).toString();
  throw new Error(`unexpected CK_ULONG size ${buffer.length}`);
}

export function decimalToUlongBuffer(decimal: string, width: number): Buffer {
  if (!/^\d{1,20}$/.test(decimal)) throw new Error(`not a CK_ULONG: ${decimal}`);
  const value = BigInt(decimal);
  const out = Buffer.alloc(width);
  if (width === 8) {
    if (value > 0xffffffffffffffffn) throw new Error(`CK_ULONG out of range: ${decimal}`);
    out.writeBigUInt64LE(value);
  } else {
    if (value > 0xffffffffn) throw new Error(`CK_ULONG out of range: ${decimal}`);
    out.writeUInt32LE(Number(value));
  }
  return out;
}

export function isDecimalId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) <= 0xffffffffffffffffn;
}

export interface ParsedHandle {
  instance: string;
  slotId: string;
  object: string;
}

const HANDLE_PATTERN = /^h1\.([0-9a-f]{16})\.(\d{1,20})\.(\d{1,20})$/;

export function formatObjectHandle(instance: string, slotId: string, object: string): string {
  return `h1.${instance}.${slotId}.${object}`;
}

/** Parses a reference issued by `formatObjectHandle`, refusing one from another worker instance. */
export function parseObjectHandle(handle: unknown, currentInstance: string): ParsedHandle {
  const match = typeof handle === 'string' ? HANDLE_PATTERN.exec(handle) : null;
  if (!match) {
    throw new DomainError({
      code: 'HANDLE_INVALID',
      message: 'The key reference is malformed; it did not come from the HSM worker.',
      action: 'Find the key again by its label or id.',
    });
  }
  const [, instance, slotId, object] = match as unknown as [string, string, string, string];
  if (instance !== currentInstance) {
    throw new DomainError({
      code: 'HANDLE_STALE',
      message: 'The key reference is from before the HSM worker restarted, so it no longer points at anything.',
      action: 'Find the key again by its label or id; the key itself is still on the token.',
    });
  }
  return { instance, slotId, object };
}
