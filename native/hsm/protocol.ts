// The message protocol between main and the HSM worker: one table, operation → argument
// and result types. A request is {id, op, args}; the answer is {id, ok: true, result} or
// {id, ok: false, error}. Byte strings and secrets travel as Uint8Array (structured
// clone / 'advanced' serialization keeps them intact); the worker overwrites every PIN
// it receives once the call that used it returns.

export type UserType = 'user' | 'so';

/** Key types Conclave generates inside the token. */
export type KeySpecType = 'aes-256' | 'ec-p256' | 'ec-p384' | 'ed25519' | 'rsa-3072' | 'rsa-4096';
export const KEY_SPEC_TYPES: readonly KeySpecType[] = ['aes-256', 'ec-p256', 'ec-p384', 'ed25519', 'rsa-3072', 'rsa-4096'];

/**
 * What a key is for. Every role keeps private and secret keys sensitive and
 * non-extractable, except 'wrap-only-export': extractable but still sensitive, so it can
 * leave the token only wrapped under another key, and with no other usage. 'derive' is
 * ECDH key agreement only (an EC recipient key receiving ecdh-aes-kwp bundles).
 */
export type KeyRole = 'sign' | 'wrap' | 'encrypt' | 'wrap-only-export' | 'derive';
export const KEY_ROLES: readonly KeyRole[] = ['sign', 'wrap', 'encrypt', 'wrap-only-export', 'derive'];

export type SignMechanism = 'ecdsa-sha256' | 'ecdsa-sha384' | 'eddsa' | 'rsa-pss-sha256' | 'rsa-pkcs1-sha256';
export const SIGN_MECHANISMS: readonly SignMechanism[] = ['ecdsa-sha256', 'ecdsa-sha384', 'eddsa', 'rsa-pss-sha256', 'rsa-pkcs1-sha256'];

/**
 * 'aes-key-wrap-pad' is CKM_AES_KEY_WRAP_PAD (RFC 5649). 'rsa-oaep-sha256' is
 * CKM_RSA_PKCS_OAEP with SHA-256 and MGF1-SHA-256; 'rsa-oaep-sha1' exists for tokens that
 * implement OAEP only with SHA-1 (SoftHSM2 2.6 does), and must be chosen explicitly.
 */
export type WrapMechanism = 'aes-key-wrap-pad' | 'rsa-oaep-sha256' | 'rsa-oaep-sha1';
export const WRAP_MECHANISMS: readonly WrapMechanism[] = ['aes-key-wrap-pad', 'rsa-oaep-sha256', 'rsa-oaep-sha1'];

export type ObjectClassName = 'data' | 'certificate' | 'public' | 'private' | 'secret' | 'other';
export const OBJECT_CLASSES: readonly ObjectClassName[] = ['data', 'certificate', 'public', 'private', 'secret', 'other'];

export type KeyTypeName = 'rsa' | 'ec' | 'ec-edwards' | 'aes' | 'generic-secret' | 'other';

/**
 * A key or object on a token, as this worker knows it: opaque to callers. It names the
 * worker instance that issued it, so a reference from before a worker restart is refused
 * with a clear error instead of pointing at some other object.
 */
export type ObjectHandle = string;

export interface WireError {
  code: string;
  message: string;
  action: string;
  detail?: string;
}

export interface ModuleFacts {
  path: string;
  libraryDescription: string;
  manufacturer: string;
  cryptokiVersion: string;
  libraryVersion: string;
}

export interface TokenFlagFacts {
  tokenInitialized: boolean;
  loginRequired: boolean;
  userPinInitialized: boolean;
  userPinCountLow: boolean;
  userPinFinalTry: boolean;
  userPinLocked: boolean;
  userPinToBeChanged: boolean;
  soPinCountLow: boolean;
  soPinFinalTry: boolean;
  soPinLocked: boolean;
  soPinToBeChanged: boolean;
  protectedAuthenticationPath: boolean;
  hasRng: boolean;
  writeProtected: boolean;
}

export interface TokenInfoFacts {
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  firmwareVersion: string;
  hardwareVersion: string;
  flags: TokenFlagFacts;
  /** CK_TOKEN_INFO.flags as reported, including bits not decoded into `flags`. */
  rawFlags: number;
  /** Bytes; null where the token reports CK_UNAVAILABLE_INFORMATION. */
  freePublicMemory: number | null;
  freePrivateMemory: number | null;
  totalPublicMemory: number | null;
  totalPrivateMemory: number | null;
  sessionCount: number | null;
  /** 0 means "no limit" (CK_EFFECTIVELY_INFINITE); null when unavailable. */
  maxSessionCount: number | null;
  minPinLength: number | null;
  maxPinLength: number | null;
}

export interface SlotFacts {
  /** CK_SLOT_ID as a decimal string (it may exceed 2^53). */
  slotId: string;
  slotDescription: string;
  slotManufacturer: string;
  tokenPresent: boolean;
  removableDevice: boolean;
  hardwareSlot: boolean;
  token: TokenInfoFacts | null;
  /** Set when the slot reports a token but C_GetTokenInfo failed (unreachable or removed). */
  tokenError: WireError | null;
}

export interface MechanismFacts {
  name: string;
  value: number;
  /** Key size bounds as the token reports them (bits or bytes, depending on the mechanism). */
  minKeySize: number | null;
  maxKeySize: number | null;
  /** Decoded CK_MECHANISM_INFO flags: 'sign', 'verify', 'wrap', 'unwrap', 'generate-key-pair', 'hw', ... */
  flags: string[];
}

export interface SessionFacts {
  slotId: string;
  /** Whether this worker has a session open with the token. */
  open: boolean;
  readWrite: boolean;
  /** Who is logged in to the token (login state is shared by all of the application's sessions). */
  loggedIn: UserType | null;
}

/** Attributes read back from the token (C_GetAttributeValue); absent ones are null. */
export interface KeyAttributes {
  class: ObjectClassName;
  keyType: KeyTypeName | null;
  label: string;
  /** CKA_ID as lowercase hex. */
  id: string;
  token: boolean | null;
  private: boolean | null;
  modifiable: boolean | null;
  sensitive: boolean | null;
  extractable: boolean | null;
  alwaysSensitive: boolean | null;
  neverExtractable: boolean | null;
  local: boolean | null;
  encrypt: boolean | null;
  decrypt: boolean | null;
  sign: boolean | null;
  verify: boolean | null;
  wrap: boolean | null;
  unwrap: boolean | null;
  derive: boolean | null;
  /** Secret key length in bytes (CKA_VALUE_LEN). */
  valueLength: number | null;
  /** RSA modulus size in bits. */
  modulusBits: number | null;
  /** RSA public exponent as hex. */
  publicExponent: string | null;
  /** Curve of an EC or Edwards key. */
  curve: 'ec-p256' | 'ec-p384' | 'ed25519' | null;
}

export interface KeyInfo {
  handle: ObjectHandle;
  slotId: string;
  attributes: KeyAttributes;
}

export interface GeneratedKey {
  type: KeySpecType;
  role: KeyRole;
  label: string;
  id: string;
  /** AES keys. */
  secretKey: KeyInfo | null;
  /** Key pairs. */
  privateKey: KeyInfo | null;
  publicKey: KeyInfo | null;
}

export interface ObjectSummary {
  handle: ObjectHandle;
  slotId: string;
  class: ObjectClassName;
  keyType: KeyTypeName | null;
  label: string;
  id: string;
}

export interface PublicKeyExport {
  algorithm: 'rsa' | 'ec-p256' | 'ec-p384' | 'ed25519';
  /** RSA modulus bits, or the curve size (256, 384, 255 for Ed25519). */
  bits: number;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  pem: string;
  /** The public key object the SPKI was read from. */
  handle: ObjectHandle;
}

export type UnwrapTarget =
  | { class: 'secret'; keyType: 'aes' | 'generic-secret' }
  | { class: 'private'; keyType: 'rsa' | 'ec' | 'ec-edwards' };

/** Curves Conclave agrees keys on with ECDH (CKM_ECDH1_DERIVE). */
export type EcdhCurve = 'ec-p256' | 'ec-p384';
export const ECDH_CURVES: readonly EcdhCurve[] = ['ec-p256', 'ec-p384'];

/** The KDF applied to the ECDH shared secret: CKD_NULL (the secret as is) or CKD_SHA256_KDF (ANSI X9.63 with SHA-256). */
export type EcdhKdf = 'null' | 'sha256';
export const ECDH_KDFS: readonly EcdhKdf[] = ['null', 'sha256'];

/** Where an ECDH-derived AES-256 key goes: a session key that may only wrap or only unwrap, or a token KEK (wrap and unwrap). */
export type DerivedKeyTarget = { store: 'session'; use: 'wrap' | 'unwrap' } | { store: 'token'; label: string; id?: string };

export interface EcdhKeyPair {
  privateKey: KeyInfo;
  publicKey: KeyInfo;
  /** The public half as DER SubjectPublicKeyInfo, for the other party. */
  spki: Uint8Array;
}

/** A key check value of an AES key-encryption key (docs/key-wrapping.md, "Key check value"). */
export interface KeyCheckValue {
  /** SHA-256 over the RFC 5649 wrap of the public test key 00 01 … 1f, first 8 bytes. */
  method: 'aes-kwp-sha256';
  /** 16 lowercase hex digits. */
  value: string;
}

/** The operation table: each op with its argument and result types. */
export interface HsmOps {
  /** C_Initialize + C_GetInfo; finalizes a module loaded before. A failed load leaves none loaded. */
  loadModule: { args: { path: string }; result: ModuleFacts };
  /** C_Finalize and unload. */
  unloadModule: { args: Record<string, never>; result: null };
  moduleInfo: { args: Record<string, never>; result: ModuleFacts | null };
  /** Every slot (not only those with a token), with slot and token facts. */
  listSlots: { args: Record<string, never>; result: SlotFacts[] };
  mechanisms: { args: { slotId: string }; result: MechanismFacts[] };
  /** C_InitToken. Closes this worker's sessions with the token first (PKCS#11 requires it). */
  initToken: { args: { slotId: string; soPin: Uint8Array; label: string }; result: SlotFacts };
  /** SO login + C_InitPIN + logout: sets (or resets) the user PIN. */
  initUserPin: { args: { slotId: string; soPin: Uint8Array; userPin: Uint8Array }; result: null };
  /** C_SetPIN for the user (or the SO, logging in as SO with the old PIN for the change). */
  changePin: { args: { slotId: string; userType: UserType; oldPin: Uint8Array; newPin: Uint8Array }; result: null };
  /** C_Login, exactly once: a refused PIN is never retried. */
  login: { args: { slotId: string; userType: UserType; pin: Uint8Array }; result: SessionFacts };
  logout: { args: { slotId: string }; result: SessionFacts };
  sessionState: { args: { slotId: string }; result: SessionFacts };
  generateRandom: { args: { slotId: string; length: number }; result: Uint8Array };
  generateKey: {
    args: { slotId: string; type: KeySpecType; label: string; role: KeyRole; id?: string };
    result: GeneratedKey;
  };
  findObjects: {
    args: { slotId: string; label?: string; id?: string; class?: ObjectClassName };
    result: ObjectSummary[];
  };
  keyAttributes: { args: { handle: ObjectHandle }; result: KeyInfo };
  destroyObject: { args: { handle: ObjectHandle }; result: null };
  exportPublicKey: { args: { handle: ObjectHandle }; result: PublicKeyExport };
  sign: { args: { handle: ObjectHandle; mechanism: SignMechanism; data: Uint8Array }; result: Uint8Array };
  verify: {
    args: { handle: ObjectHandle; mechanism: SignMechanism; data: Uint8Array; signature: Uint8Array };
    result: boolean;
  };
  wrapKey: { args: { wrappingKey: ObjectHandle; key: ObjectHandle; mechanism: WrapMechanism }; result: Uint8Array };
  unwrapKey: {
    args: {
      unwrappingKey: ObjectHandle;
      wrapped: Uint8Array;
      mechanism: WrapMechanism;
      target: UnwrapTarget;
      label: string;
      role: KeyRole;
      id?: string;
      /** True: a session object (CKA_TOKEN false) that disappears with the session, e.g. a short-lived check copy. */
      sessionOnly?: boolean;
    };
    result: KeyInfo;
  };
  /**
   * C_CreateObject of an AES key value (16, 24 or 32 bytes) as a session object that can
   * only wrap and unwrap: never stored on the token, sensitive, not extractable. The
   * worker overwrites `secretValue` once the call is over.
   */
  importSessionWrapKey: { args: { slotId: string; secretValue: Uint8Array; label: string }; result: KeyInfo };
  /** The recipient's RSA public key (DER SPKI) as a session object that may only wrap. */
  importWrappingPublicKey: { args: { slotId: string; spki: Uint8Array }; result: KeyInfo };
  /** A fresh AES-256 session key, sensitive but extractable, that may only wrap: the ephemeral key of RSA-AES key wrap. */
  generateEphemeralWrapKey: { args: { slotId: string }; result: KeyInfo };
  /** A fresh session EC key pair whose private half may only derive (ECDH). */
  generateEcdhKeyPair: { args: { slotId: string; curve: EcdhCurve }; result: EcdhKeyPair };
  /** CKM_ECDH1_DERIVE of a private key (CKA_DERIVE) with the peer's public key (DER SPKI) into an AES-256 key, read back. */
  deriveEcdhKey: { args: { baseKey: ObjectHandle; peerSpki: Uint8Array; kdf: EcdhKdf; target: DerivedKeyTarget }; result: KeyInfo };
  /** The check value of an AES key-encryption key that may wrap. */
  keyCheckValue: { args: { handle: ObjectHandle }; result: KeyCheckValue };
  /** Liveness and identity of the worker process. */
  ping: { args: Record<string, never>; result: { pid: number; instance: string } };
  /** Finalize the module and exit the worker after answering. */
  shutdown: { args: Record<string, never>; result: null };
}

export type HsmOp = keyof HsmOps;
export type HsmArgs<O extends HsmOp> = HsmOps[O]['args'];
export type HsmResult<O extends HsmOp> = HsmOps[O]['result'];

export const HSM_OPS: readonly HsmOp[] = [
  'loadModule',
  'unloadModule',
  'moduleInfo',
  'listSlots',
  'mechanisms',
  'initToken',
  'initUserPin',
  'changePin',
  'login',
  'logout',
  'sessionState',
  'generateRandom',
  'generateKey',
  'findObjects',
  'keyAttributes',
  'destroyObject',
  'exportPublicKey',
  'sign',
  'verify',
  'wrapKey',
  'unwrapKey',
  'importWrappingPublicKey',
  'generateEphemeralWrapKey',
  'generateEcdhKeyPair',
  'deriveEcdhKey',
  'keyCheckValue',
  'importSessionWrapKey',
  'ping',
  'shutdown',
];

export interface HsmRequest<O extends HsmOp = HsmOp> {
  id: number;
  op: O;
  args: HsmArgs<O>;
}

export type HsmResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WireError };

export function isHsmOp(value: unknown): value is HsmOp {
  return typeof value === 'string' && (HSM_OPS as readonly string[]).includes(value);
}

/** Checks the envelope of a worker answer; the result itself is typed by the op that was asked. */
export function parseResponse(message: unknown): HsmResponse | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return null;
  if (m.ok === true) return { id: m.id, ok: true, result: m.result };
  if (m.ok !== false || typeof m.error !== 'object' || m.error === null) return null;
  const e = m.error as Record<string, unknown>;
  if (typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.action !== 'string') return null;
  const error: WireError = { code: e.code, message: e.message, action: e.action };
  if (typeof e.detail === 'string') error.detail = e.detail;
  return { id: m.id, ok: false, error };
}
