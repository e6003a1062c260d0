// Key templates: what Conclave asks the token for when it generates or unwraps a key,
// and what it then expects to read back. Private and secret keys are always token
// objects, private, sensitive and non-extractable; only the 'wrap-only-export' role makes
// a key extractable (still sensitive, so it leaves the token only wrapped) and gives it
// no other use. Reading the attributes back after creation catches a token that quietly
// ignored part of the template.
import { DomainError } from '../errors';
import {
  CKA_ALWAYS_SENSITIVE,
  CKA_CLASS,
  CKA_DECRYPT,
  CKA_DERIVE,
  CKA_EC_PARAMS,
  CKA_ENCRYPT,
  CKA_EXTRACTABLE,
  CKA_ID,
  CKA_KEY_TYPE,
  CKA_LABEL,
  CKA_LOCAL,
  CKA_MODULUS,
  CKA_MODULUS_BITS,
  CKA_NEVER_EXTRACTABLE,
  CKA_PRIVATE,
  CKA_PUBLIC_EXPONENT,
  CKA_SENSITIVE,
  CKA_SIGN,
  CKA_TOKEN,
  CKA_UNWRAP,
  CKA_VALUE,
  CKA_VALUE_LEN,
  CKA_VERIFY,
  CKA_WRAP,
  CKK_AES,
  CKK_EC,
  CKK_EC_EDWARDS,
  CKK_GENERIC_SECRET,
  CKK_RSA,
  CKM_AES_KEY_GEN,
  CKM_EC_EDWARDS_KEY_PAIR_GEN,
  CKM_EC_KEY_PAIR_GEN,
  CKM_RSA_PKCS_KEY_PAIR_GEN,
  CKO_PRIVATE_KEY,
  CKO_PUBLIC_KEY,
  CKO_SECRET_KEY,
} from './pkcs11-constants';
import type { KeyRole, KeySpecType, UnwrapTarget } from './protocol';
import { ecParamsFor } from './spki';

export type AttributeValue = boolean | number | Uint8Array;

export interface TemplateAttribute {
  type: number;
  /** "CKA_SENSITIVE": used in mismatch messages. */
  name: string;
  value: AttributeValue;
}

const ATTRIBUTE_NAMES: Record<number, string> = {
  [CKA_CLASS]: 'CKA_CLASS',
  [CKA_TOKEN]: 'CKA_TOKEN',
  [CKA_PRIVATE]: 'CKA_PRIVATE',
  [CKA_LABEL]: 'CKA_LABEL',
  [CKA_KEY_TYPE]: 'CKA_KEY_TYPE',
  [CKA_ID]: 'CKA_ID',
  [CKA_SENSITIVE]: 'CKA_SENSITIVE',
  [CKA_ENCRYPT]: 'CKA_ENCRYPT',
  [CKA_DECRYPT]: 'CKA_DECRYPT',
  [CKA_WRAP]: 'CKA_WRAP',
  [CKA_UNWRAP]: 'CKA_UNWRAP',
  [CKA_SIGN]: 'CKA_SIGN',
  [CKA_VERIFY]: 'CKA_VERIFY',
  [CKA_DERIVE]: 'CKA_DERIVE',
  [CKA_MODULUS_BITS]: 'CKA_MODULUS_BITS',
  [CKA_MODULUS]: 'CKA_MODULUS',
  [CKA_VALUE]: 'CKA_VALUE',
  [CKA_PUBLIC_EXPONENT]: 'CKA_PUBLIC_EXPONENT',
  [CKA_VALUE_LEN]: 'CKA_VALUE_LEN',
  [CKA_EXTRACTABLE]: 'CKA_EXTRACTABLE',
  [CKA_LOCAL]: 'CKA_LOCAL',
  [CKA_NEVER_EXTRACTABLE]: 'CKA_NEVER_EXTRACTABLE',
  [CKA_ALWAYS_SENSITIVE]: 'CKA_ALWAYS_SENSITIVE',
  [CKA_EC_PARAMS]: 'CKA_EC_PARAMS',
};

export function attributeName(type: number): string {
  return ATTRIBUTE_NAMES[type] ?? `CKA_0x${type.toString(16)}`;
}

const attr = (type: number, value: AttributeValue): TemplateAttribute => ({ type, name: attributeName(type), value });

type KeyPart = 'secret' | 'private' | 'public';
type Usage = 'encrypt' | 'decrypt' | 'sign' | 'verify' | 'wrap' | 'unwrap' | 'derive';

const USAGE_ATTRIBUTE: Record<Usage, number> = {
  encrypt: CKA_ENCRYPT,
  decrypt: CKA_DECRYPT,
  sign: CKA_SIGN,
  verify: CKA_VERIFY,
  wrap: CKA_WRAP,
  unwrap: CKA_UNWRAP,
  derive: CKA_DERIVE,
};

/** The usage attributes each kind of object carries; every one is set explicitly, true or false. */
const USAGES_OF: Record<KeyPart, Usage[]> = {
  secret: ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'],
  private: ['decrypt', 'sign', 'unwrap', 'derive'],
  public: ['encrypt', 'verify', 'wrap', 'derive'],
};

const ROLE_USAGES: Record<KeyRole, Usage[]> = {
  sign: ['sign', 'verify'],
  wrap: ['wrap', 'unwrap'],
  encrypt: ['encrypt', 'decrypt'],
  'wrap-only-export': [],
  derive: ['derive'],
};

type Family = 'aes' | 'generic-secret' | 'rsa' | 'ec' | 'ec-edwards';

/** Roles each key family can take: elliptic-curve keys sign or agree keys (ECDH), or are exported wrapped. */
const ROLES_FOR_FAMILY: Record<Family, KeyRole[]> = {
  aes: ['sign', 'wrap', 'encrypt', 'wrap-only-export'],
  'generic-secret': ['sign', 'wrap-only-export'],
  rsa: ['sign', 'wrap', 'encrypt', 'wrap-only-export'],
  ec: ['sign', 'wrap-only-export', 'derive'],
  'ec-edwards': ['sign', 'wrap-only-export'],
};

function usageAttributes(part: KeyPart, role: KeyRole): TemplateAttribute[] {
  const wanted = ROLE_USAGES[role];
  return USAGES_OF[part].map((u) => attr(USAGE_ATTRIBUTE[u], wanted.includes(u)));
}

function checkRole(family: Family, role: KeyRole, what: string): void {
  if (!ROLES_FOR_FAMILY[family].includes(role)) {
    throw new DomainError({
      code: 'KEY_ROLE_UNSUPPORTED',
      message: `A ${what} key cannot have the role "${role}".`,
      action: `Choose one of: ${ROLES_FOR_FAMILY[family].join(', ')}.`,
    });
  }
}

function protectedKeyAttributes(role: KeyRole, onToken = true): TemplateAttribute[] {
  return [
    attr(CKA_TOKEN, onToken),
    attr(CKA_PRIVATE, true),
    attr(CKA_SENSITIVE, true),
    attr(CKA_EXTRACTABLE, role === 'wrap-only-export'),
  ];
}

export interface KeyGenerationPlan {
  mechanism: number;
  kind: 'secret' | 'pair';
  secret: TemplateAttribute[] | null;
  privateKey: TemplateAttribute[] | null;
  publicKey: TemplateAttribute[] | null;
  /** What must read back after generation: the template plus the facts a freshly generated key has. */
  expectSecret: TemplateAttribute[] | null;
  expectPrivate: TemplateAttribute[] | null;
  expectPublic: TemplateAttribute[] | null;
}

const RSA_F4 = Uint8Array.of(0x01, 0x00, 0x01);

function generatedFacts(role: KeyRole): TemplateAttribute[] {
  return [
    attr(CKA_LOCAL, true),
    attr(CKA_ALWAYS_SENSITIVE, true),
    attr(CKA_NEVER_EXTRACTABLE, role !== 'wrap-only-export'),
  ];
}

export function keyGenerationPlan(type: KeySpecType, role: KeyRole, label: Uint8Array, id: Uint8Array): KeyGenerationPlan {
  const naming = [attr(CKA_LABEL, label), attr(CKA_ID, id)];
  if (type === 'aes-256') {
    checkRole('aes', role, 'AES');
    const secret = [
      attr(CKA_CLASS, CKO_SECRET_KEY),
      attr(CKA_KEY_TYPE, CKK_AES),
      attr(CKA_VALUE_LEN, 32),
      ...naming,
      ...protectedKeyAttributes(role),
      ...usageAttributes('secret', role),
    ];
    return {
      mechanism: CKM_AES_KEY_GEN,
      kind: 'secret',
      secret,
      privateKey: null,
      publicKey: null,
      expectSecret: [...secret, ...generatedFacts(role)],
      expectPrivate: null,
      expectPublic: null,
    };
  }
  let mechanism: number;
  let keyType: number;
  let publicSpecific: TemplateAttribute[];
  if (type === 'rsa-3072' || type === 'rsa-4096') {
    checkRole('rsa', role, 'RSA');
    mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
    keyType = CKK_RSA;
    publicSpecific = [attr(CKA_MODULUS_BITS, type === 'rsa-3072' ? 3072 : 4096), attr(CKA_PUBLIC_EXPONENT, RSA_F4)];
  } else if (type === 'ed25519') {
    checkRole('ec-edwards', role, 'Ed25519');
    mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;
    keyType = CKK_EC_EDWARDS;
    publicSpecific = [attr(CKA_EC_PARAMS, ecParamsFor('ed25519'))];
  } else {
    checkRole('ec', role, type === 'ec-p256' ? 'EC P-256' : 'EC P-384');
    mechanism = CKM_EC_KEY_PAIR_GEN;
    keyType = CKK_EC;
    publicSpecific = [attr(CKA_EC_PARAMS, ecParamsFor(type))];
  }
  const publicKey = [
    attr(CKA_CLASS, CKO_PUBLIC_KEY),
    attr(CKA_KEY_TYPE, keyType),
    ...naming,
    attr(CKA_TOKEN, true),
    attr(CKA_PRIVATE, false),
    ...publicSpecific,
    ...usageAttributes('public', role),
  ];
  const privateKey = [
    attr(CKA_CLASS, CKO_PRIVATE_KEY),
    attr(CKA_KEY_TYPE, keyType),
    ...naming,
    ...protectedKeyAttributes(role),
    ...usageAttributes('private', role),
  ];
  return {
    mechanism,
    kind: 'pair',
    secret: null,
    privateKey,
    publicKey,
    expectSecret: null,
    expectPrivate: [...privateKey, ...generatedFacts(role)],
    expectPublic: [...publicKey, attr(CKA_LOCAL, true)],
  };
}

/** The template for a key unwrapped into the token; it reads back exactly as asked. */
export function unwrapTemplate(target: UnwrapTarget, role: KeyRole, label: Uint8Array, id: Uint8Array, storage: 'token' | 'session' = 'token'): TemplateAttribute[] {
  const naming = [attr(CKA_LABEL, label), attr(CKA_ID, id)];
  const onToken = storage === 'token';
  if (target.class === 'secret') {
    checkRole(target.keyType, role, target.keyType === 'aes' ? 'AES' : 'generic secret');
    return [
      attr(CKA_CLASS, CKO_SECRET_KEY),
      attr(CKA_KEY_TYPE, target.keyType === 'aes' ? CKK_AES : CKK_GENERIC_SECRET),
      ...naming,
      ...protectedKeyAttributes(role, onToken),
      ...usageAttributes('secret', role),
    ];
  }
  const keyType = target.keyType === 'rsa' ? CKK_RSA : target.keyType === 'ec' ? CKK_EC : CKK_EC_EDWARDS;
  checkRole(target.keyType, role, target.keyType === 'rsa' ? 'RSA' : target.keyType === 'ec' ? 'EC' : 'Ed25519');
  return [
    attr(CKA_CLASS, CKO_PRIVATE_KEY),
    attr(CKA_KEY_TYPE, keyType),
    ...naming,
    ...protectedKeyAttributes(role, onToken),
    ...usageAttributes('private', role),
  ];
}

/**
 * An AES key value imported for one backup or restore: a session object (never stored on
 * the token), private, sensitive, not extractable, and able only to wrap and unwrap.
 * CKA_VALUE is added by the caller and is not read back (it is sensitive).
 */
export function sessionWrapKeyTemplate(label: Uint8Array, id: Uint8Array): TemplateAttribute[] {
  return [
    attr(CKA_CLASS, CKO_SECRET_KEY),
    attr(CKA_KEY_TYPE, CKK_AES),
    attr(CKA_LABEL, label),
    attr(CKA_ID, id),
    ...protectedKeyAttributes('wrap', false),
    ...usageAttributes('secret', 'wrap'),
  ];
}

/** Decodes a CK_ULONG as the module wrote it (native byte order, 4 or 8 bytes). */
export function decodeUlong(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 8) {
    const v = view.getBigUint64(0, true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
  }
  if (bytes.length === 4) return view.getUint32(0, true);
  return null;
}

function describeValue(expected: AttributeValue, actual: Uint8Array | null): { expected: string; actual: string } {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const show = (v: AttributeValue) => (v instanceof Uint8Array ? hex(v) : String(v));
  if (actual === null) return { expected: show(expected), actual: 'absent' };
  if (typeof expected === 'boolean') return { expected: show(expected), actual: actual.length === 1 ? String(actual[0] !== 0) : hex(actual) };
  if (typeof expected === 'number') return { expected: show(expected), actual: String(decodeUlong(actual) ?? hex(actual)) };
  return { expected: show(expected), actual: hex(actual) };
}

function matches(expected: AttributeValue, actual: Uint8Array | null): boolean {
  if (actual === null) return false;
  if (typeof expected === 'boolean') return actual.length === 1 && (actual[0] !== 0) === expected;
  if (typeof expected === 'number') return decodeUlong(actual) === expected;
  return actual.length === expected.length && actual.every((b, i) => b === expected[i]);
}

export interface AttributeMismatch {
  attribute: string;
  expected: string;
  actual: string;
}

/** Compares what the token reports with what was asked; `actual` maps attribute type → raw value (null = absent). */
export function compareAttributes(expected: TemplateAttribute[], actual: ReadonlyMap<number, Uint8Array | null>): AttributeMismatch[] {
  const out: AttributeMismatch[] = [];
  for (const e of expected) {
    const got = actual.get(e.type) ?? null;
    if (!matches(e.value, got)) out.push({ attribute: e.name, ...describeValue(e.value, got) });
  }
  return out;
}
