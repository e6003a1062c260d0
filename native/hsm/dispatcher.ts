// Turns one protocol request into one backend call and one response. Arguments are
// checked here (the worker trusts nothing it is sent), every PIN and key-value field is
// overwritten once the call is over, whatever happened, and every failure leaves as a
// plain error value: code, message, action, detail.
import { DomainError } from '../errors';
import type { Pkcs11Backend } from './pkcs11-backend';
import {
  ECDH_CURVES,
  ECDH_KDFS,
  KEY_ROLES,
  KEY_SPEC_TYPES,
  OBJECT_CLASSES,
  SIGN_MECHANISMS,
  WRAP_MECHANISMS,
  isHsmOp,
  type DerivedKeyTarget,
  type HsmOp,
  type HsmResponse,
  type UnwrapTarget,
  type WireError,
} from './protocol';

const SECRET_FIELDS = ['pin', 'soPin', 'userPin', 'oldPin', 'newPin', 'secretValue'] as const;

class BadRequest extends DomainError {
  constructor(message: string) {
    super({ code: 'BAD_REQUEST', message: `The HSM worker got a malformed request: ${message}.`, action: 'This is a programming error in Conclave; report it.' });
  }
}

type Args = Record<string, unknown>;

function record(value: unknown): Args {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequest('args must be an object');
  return value as Args;
}

function str(args: Args, key: string): string {
  const v = args[key];
  if (typeof v !== 'string') throw new BadRequest(`"${key}" must be a string`);
  return v;
}

function optStr(args: Args, key: string): string | undefined {
  return args[key] === undefined ? undefined : str(args, key);
}

function bytes(args: Args, key: string): Uint8Array {
  const v = args[key];
  if (!(v instanceof Uint8Array)) throw new BadRequest(`"${key}" must be a Uint8Array`);
  return v;
}

function optBool(args: Args, key: string): boolean | undefined {
  const v = args[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new BadRequest(`"${key}" must be true or false`);
  return v;
}

function int(args: Args, key: string): number {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new BadRequest(`"${key}" must be an integer`);
  return v;
}

function oneOf<T extends string>(args: Args, key: string, allowed: readonly T[]): T {
  const v = args[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new BadRequest(`"${key}" must be one of ${allowed.join(', ')}`);
  return v as T;
}

function userType(args: Args): 'user' | 'so' {
  return oneOf(args, 'userType', ['user', 'so'] as const);
}

function unwrapTarget(value: unknown): UnwrapTarget {
  const t = record(value);
  const cls = oneOf(t, 'class', ['secret', 'private'] as const);
  if (cls === 'secret') return { class: 'secret', keyType: oneOf(t, 'keyType', ['aes', 'generic-secret'] as const) };
  return { class: 'private', keyType: oneOf(t, 'keyType', ['rsa', 'ec', 'ec-edwards'] as const) };
}

function derivedKeyTarget(value: unknown): DerivedKeyTarget {
  const t = record(value);
  if (oneOf(t, 'store', ['session', 'token'] as const) === 'session') return { store: 'session', use: oneOf(t, 'use', ['wrap', 'unwrap'] as const) };
  const id = optStr(t, 'id');
  return id === undefined ? { store: 'token', label: str(t, 'label') } : { store: 'token', label: str(t, 'label'), id };
}

function run(backend: Pkcs11Backend, op: HsmOp, a: Args): unknown {
  switch (op) {
    case 'loadModule':
      return backend.loadModule(str(a, 'path'));
    case 'unloadModule':
      return backend.unloadModule();
    case 'moduleInfo':
      return backend.moduleInfo();
    case 'listSlots':
      return backend.listSlots();
    case 'mechanisms':
      return backend.mechanisms(str(a, 'slotId'));
    case 'initToken':
      return backend.initToken(str(a, 'slotId'), bytes(a, 'soPin'), str(a, 'label'));
    case 'initUserPin':
      return backend.initUserPin(str(a, 'slotId'), bytes(a, 'soPin'), bytes(a, 'userPin'));
    case 'changePin':
      return backend.changePin(str(a, 'slotId'), userType(a), bytes(a, 'oldPin'), bytes(a, 'newPin'));
    case 'login':
      return backend.login(str(a, 'slotId'), userType(a), bytes(a, 'pin'));
    case 'logout':
      return backend.logout(str(a, 'slotId'));
    case 'sessionState':
      return backend.sessionState(str(a, 'slotId'));
    case 'generateRandom':
      return backend.generateRandom(str(a, 'slotId'), int(a, 'length'));
    case 'generateKey':
      return backend.generateKey(
        str(a, 'slotId'),
        oneOf(a, 'type', KEY_SPEC_TYPES),
        str(a, 'label'),
        oneOf(a, 'role', KEY_ROLES),
        optStr(a, 'id'),
      );
    case 'findObjects': {
      const query: { label?: string; id?: string; class?: (typeof OBJECT_CLASSES)[number] } = {};
      const label = optStr(a, 'label');
      const id = optStr(a, 'id');
      if (label !== undefined) query.label = label;
      if (id !== undefined) query.id = id;
      if (a.class !== undefined) query.class = oneOf(a, 'class', OBJECT_CLASSES);
      return backend.findObjects(str(a, 'slotId'), query);
    }
    case 'keyAttributes':
      return backend.keyAttributes(str(a, 'handle'));
    case 'destroyObject':
      return backend.destroyObject(str(a, 'handle'));
    case 'exportPublicKey':
      return backend.exportPublicKey(str(a, 'handle'));
    case 'sign':
      return backend.sign(str(a, 'handle'), oneOf(a, 'mechanism', SIGN_MECHANISMS), bytes(a, 'data'));
    case 'verify':
      return backend.verify(str(a, 'handle'), oneOf(a, 'mechanism', SIGN_MECHANISMS), bytes(a, 'data'), bytes(a, 'signature'));
    case 'wrapKey':
      return backend.wrapKey(str(a, 'wrappingKey'), str(a, 'key'), oneOf(a, 'mechanism', WRAP_MECHANISMS));
    case 'unwrapKey':
      return backend.unwrapKey(
        str(a, 'unwrappingKey'),
        bytes(a, 'wrapped'),
        oneOf(a, 'mechanism', WRAP_MECHANISMS),
        unwrapTarget(a.target),
        str(a, 'label'),
        oneOf(a, 'role', KEY_ROLES),
        optStr(a, 'id'),
        optBool(a, 'sessionOnly') ?? false,
      );
    case 'importSessionWrapKey':
      return backend.importSessionWrapKey(str(a, 'slotId'), bytes(a, 'secretValue'), str(a, 'label'));
    case 'importWrappingPublicKey':
      return backend.importWrappingPublicKey(str(a, 'slotId'), bytes(a, 'spki'));
    case 'generateEphemeralWrapKey':
      return backend.generateEphemeralWrapKey(str(a, 'slotId'));
    case 'generateEcdhKeyPair':
      return backend.generateEcdhKeyPair(str(a, 'slotId'), oneOf(a, 'curve', ECDH_CURVES));
    case 'deriveEcdhKey':
      return backend.deriveEcdhKey(str(a, 'baseKey'), bytes(a, 'peerSpki'), oneOf(a, 'kdf', ECDH_KDFS), derivedKeyTarget(a.target));
    case 'keyCheckValue':
      return backend.keyCheckValue(str(a, 'handle'));
    case 'ping':
      return { pid: process.pid, instance: backend.instance };
    case 'shutdown':
      backend.unloadModule();
      return null;
  }
}

export function toWireError(error: unknown): WireError {
  if (error instanceof DomainError) {
    const wire: WireError = { code: error.code, message: error.message, action: error.action };
    if (error.detail !== undefined) wire.detail = error.detail;
    return wire;
  }
  return {
    code: 'WORKER_INTERNAL_ERROR',
    message: `The HSM worker failed unexpectedly: ${(error as Error)?.message ?? String(error)}.`,
    action: 'This is a programming error in Conclave; note the details and report it.',
    detail: String((error as Error)?.stack ?? error),
  };
}

export interface Dispatched {
  response: HsmResponse;
  /** The worker should exit once the response is delivered. */
  exit: boolean;
}

/** Handles one incoming message. Never throws; a message without a usable id gets id -1. */
export function dispatch(backend: Pkcs11Backend, message: unknown): Dispatched {
  const m = typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : {};
  const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : -1;
  let args: Args | null = null;
  try {
    if (id < 0) throw new BadRequest('missing numeric id');
    if (!isHsmOp(m.op)) throw new BadRequest(`unknown op "${String(m.op)}"`);
    args = record(m.args);
    const result = run(backend, m.op, args);
    return { response: { id, ok: true, result }, exit: m.op === 'shutdown' };
  } catch (error) {
    return { response: { id, ok: false, error: toWireError(error) }, exit: false };
  } finally {
    if (args) for (const key of SECRET_FIELDS) {
      const v = args[key];
      if (v instanceof Uint8Array) v.fill(0);
    }
  }
}
