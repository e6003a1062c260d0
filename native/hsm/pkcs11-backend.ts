// The PKCS#11 adapter: everything Conclave does with a token, over pkcs11js. It runs
// inside the HSM worker process (the only place a vendor module is loaded), keeps one
// session per slot, and turns every module failure into a DomainError. It never retries
// a login, never falls back to software keys, and reads key attributes back after it
// creates a key.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { DomainError } from '../errors';
import { decimalToUlongBuffer, formatObjectHandle, isDecimalId, parseObjectHandle, ulongBufferToDecimal } from './handles';
import {
  type AttributeMismatch,
  type TemplateAttribute,
  compareAttributes,
  decodeUlong,
  keyGenerationPlan,
  sessionWrapKeyTemplate,
  unwrapTemplate,
} from './key-templates';
import {
  CKA_ALWAYS_SENSITIVE,
  CKA_CLASS,
  CKA_DECRYPT,
  CKA_DERIVE,
  CKA_EC_PARAMS,
  CKA_EC_POINT,
  CKA_ENCRYPT,
  CKA_EXTRACTABLE,
  CKA_ID,
  CKA_KEY_TYPE,
  CKA_LABEL,
  CKA_LOCAL,
  CKA_MODIFIABLE,
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
  CKF_OS_LOCKING_OK,
  CKF_RW_SESSION,
  CKF_SERIAL_SESSION,
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
  CKS_RO_USER_FUNCTIONS,
  CKS_RW_SO_FUNCTIONS,
  CKS_RW_USER_FUNCTIONS,
  CKU_SO,
  CKU_USER,
  MECHANISM_FLAG_NAMES,
} from './pkcs11-constants';
import { CLASS_VALUES, bool, className, copyBytes, hex, keyTypeNameOf, pkcs11Template, text, toBuffer, ulong } from './attribute-values';
import { MAX_DATA_BYTES, checkData, idBytes, labelBytes, sameSlot, tokenLabelField, utf8 } from './input-checks';
import { keyTypeForSignature, signingPlan, wrapPlan, type SigningPlan } from './mechanism-params';
import { domainErrorForReturnCode, pinRefusedError, pkcs11Method, pkcs11ReturnCode, type PinOwner } from './pkcs11-errors';
import { describeReturnCode, mechanismName } from './pkcs11-names';
import type {
  GeneratedKey,
  KeyAttributes,
  KeyInfo,
  KeyRole,
  KeySpecType,
  KeyTypeName,
  MechanismFacts,
  ModuleFacts,
  ObjectClassName,
  ObjectSummary,
  PublicKeyExport,
  SessionFacts,
  SignMechanism,
  SlotFacts,
  TokenInfoFacts,
  UnwrapTarget,
  UserType,
  WireError,
  WrapMechanism,
} from './protocol';
import { CURVES, bitLength, curveFromEcParams, ecPointFromAttribute, ecSpki, rsaSpki, toPem } from './spki';
import { moduleFacts, slotFacts, tokenFacts, type RawTokenInfo } from './token-info';
import { createHash } from 'node:crypto';
import { CKM_AES_KEY_GEN, CKM_AES_KEY_WRAP_PAD, CKM_ECDH1_DERIVE, CKM_EC_KEY_PAIR_GEN } from './pkcs11-constants';
import type { DerivedKeyTarget, EcdhCurve, EcdhKdf, EcdhKeyPair, KeyCheckValue } from './protocol';
import { peerPublicKey } from './spki-parse';
import {
  CHECK_VALUE_BYTES,
  checkValueTestKeyTemplate,
  derivedKeyTemplate,
  ecdhMechanism,
  ephemeralEcPairTemplates,
  ephemeralWrapKeyTemplate,
  wrappingPublicKeyTemplate,
  type CreateTemplate,
  type DerivedKeyPlacement,
} from './wrap-templates';

/** The pkcs11js surface this adapter uses; tests may wrap the real object to inject faults. */
export type Pkcs11Api = pkcs11js.PKCS11;
export type Pkcs11Factory = () => Pkcs11Api;
export const defaultPkcs11Factory: Pkcs11Factory = () => new pkcs11js.PKCS11();

type Handle = Buffer;

interface SessionRecord {
  handle: Handle;
  readWrite: boolean;
  /** The token's serial when the session opened, to notice a token swapped in the slot. */
  serial: string;
  label: string;
}

// Return values after which the token may be gone; the adapter then checks the slot
// before deciding what to tell the person. SoftHSM2, for one, answers a deleted token
// directory with CKR_GENERAL_ERROR and CKR_OBJECT_HANDLE_INVALID, never CKR_DEVICE_REMOVED.
const MAYBE_REMOVED = new Set([0x5, 0x6, 0x30, 0x32, 0x60, 0x82, 0xb0, 0xb3, 0xe0, 0xe1]);
const CKR_PIN_INCORRECT = 0xa0;
const CKR_PIN_LOCKED = 0xa4;
const CKR_TOKEN_WRITE_PROTECTED = 0xe2;
const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
const CKR_USER_NOT_LOGGED_IN = 0x101;
const CKR_SIGNATURE_INVALID = 0xc0;
const CKR_SIGNATURE_LEN_RANGE = 0xc1;
const CKR_ARGUMENTS_BAD = 0x7;
const CKR_MECHANISM_PARAM_INVALID = 0x71;

const MAX_RANDOM_BYTES = 1024 * 1024;

const pinDecoder = new TextDecoder('utf-8', { fatal: true });

export class Pkcs11Backend {
  /** Names this worker instance in every object handle it issues. */
  readonly instance = randomBytes(8).toString('hex');
  private p11: Pkcs11Api | null = null;
  private module: ModuleFacts | null = null;
  private handleWidth = 8;
  private readonly slotHandles = new Map<string, Handle>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly mechanismCache = new Map<string, Set<number>>();

  constructor(private readonly factory: Pkcs11Factory = defaultPkcs11Factory) {}

  // ---------------------------------------------------------------- module

  loadModule(path: string): ModuleFacts {
    if (typeof path !== 'string' || path.length === 0 || !isAbsolute(path)) {
      throw new DomainError({
        code: 'MODULE_PATH_INVALID',
        message: `"${String(path)}" is not an absolute path to a PKCS#11 module.`,
        action: 'Give the full path of the vendor\'s PKCS#11 library, for example /usr/lib/softhsm/libsofthsm2.so.',
      });
    }
    this.unloadModule();
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new DomainError({
        code: 'MODULE_NOT_FOUND',
        message: `There is no PKCS#11 module at ${path}.`,
        action: 'Check the path, or install the vendor\'s PKCS#11 package (for SoftHSM2: the softhsm2 package). Known locations are offered in the module list.',
      });
    }
    if (!stat.isFile()) {
      throw new DomainError({
        code: 'MODULE_NOT_FOUND',
        message: `${path} is not a file, so it cannot be a PKCS#11 module.`,
        action: 'Give the path of the library file itself (a .so file).',
      });
    }
    const p11 = this.factory();
    try {
      p11.load(path);
    } catch (error) {
      throw new DomainError({
        code: 'MODULE_LOAD_FAILED',
        message: `The file at ${path} could not be loaded as a PKCS#11 module: ${(error as Error).message}.`,
        action: 'Check that this is the vendor\'s PKCS#11 library for this computer (64-bit Linux), and that its own dependencies are installed.',
        detail: (error as Error).message,
      });
    }
    try {
      p11.C_Initialize({ flags: CKF_OS_LOCKING_OK });
    } catch (error) {
      const code = pkcs11ReturnCode(error);
      if (code !== CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        safely(() => p11.close());
        throw new DomainError({
          code: 'MODULE_INIT_FAILED',
          message: `The PKCS#11 module at ${path} failed to start (${code === null ? (error as Error).message : describeReturnCode(code)}).`,
          action:
            'Check the module\'s configuration (for SoftHSM2: the file named by SOFTHSM2_CONF and its token directory must exist and be readable), then load the module again.',
          detail: code === null ? (error as Error).message : describeReturnCode(code),
        });
      }
    }
    let info;
    try {
      info = p11.C_GetInfo();
    } catch (error) {
      safely(() => p11.C_Finalize());
      safely(() => p11.close());
      throw this.mapError(error, `reading module information from ${path}`, null);
    }
    this.p11 = p11;
    this.module = moduleFacts(path, info);
    return this.module;
  }

  unloadModule(): null {
    const p11 = this.p11;
    this.p11 = null;
    this.module = null;
    this.sessions.clear();
    this.slotHandles.clear();
    this.mechanismCache.clear();
    if (p11) {
      safely(() => p11.C_Finalize());
      safely(() => p11.close());
    }
    return null;
  }

  moduleInfo(): ModuleFacts | null {
    return this.module;
  }

  // ---------------------------------------------------------------- slots and tokens

  listSlots(): SlotFacts[] {
    const p11 = this.api();
    const slots = this.guard(() => p11.C_GetSlotList(false), 'listing the slots of the module', null);
    return slots.map((slot) => {
      const slotId = this.rememberSlot(slot);
      const slotInfo = this.guard(() => p11.C_GetSlotInfo(slot), `reading slot ${slotId}`, null);
      const facts = slotFacts(slotId, slotInfo, null, null);
      if (!facts.tokenPresent) return facts;
      try {
        return { ...facts, token: tokenFacts(p11.C_GetTokenInfo(slot) as unknown as RawTokenInfo) };
      } catch (error) {
        const mapped = this.mapError(error, `reading the token in slot ${slotId}`, null);
        const tokenError: WireError = { code: mapped.code, message: mapped.message, action: mapped.action };
        if (mapped.detail) tokenError.detail = mapped.detail;
        return { ...facts, tokenError };
      }
    });
  }

  mechanisms(slotId: string): MechanismFacts[] {
    const p11 = this.api();
    const slot = this.slot(slotId);
    const values = this.guard(() => p11.C_GetMechanismList(slot), `listing the mechanisms of slot ${slotId}`, slotId);
    this.mechanismCache.set(slotId, new Set(values));
    return values.map((value) => {
      let info: pkcs11js.MechanismInfo | null = null;
      try {
        info = p11.C_GetMechanismInfo(slot, value);
      } catch {
        info = null;
      }
      return {
        name: mechanismName(value),
        value,
        minKeySize: info ? info.minKeySize : null,
        maxKeySize: info ? info.maxKeySize : null,
        flags: info ? MECHANISM_FLAG_NAMES.filter(([bit]) => (info.flags & bit) !== 0).map(([, name]) => name) : [],
      };
    });
  }

  initToken(slotId: string, soPin: Uint8Array, label: string): SlotFacts {
    const p11 = this.api();
    const slot = this.slot(slotId);
    const labelField = tokenLabelField(label);
    const before = this.tokenInfoOrNull(slot);
    this.checkPinLength(soPin, before, 'security officer (SO) PIN');
    // C_InitToken fails with CKR_SESSION_EXISTS while this application has sessions open.
    this.closeSessions(slotId);
    const where = `initializing the token in slot ${slotId} with the label "${label}"`;
    this.withPins([soPin], ([pin]) => {
      try {
        p11.C_InitToken(slot, pin, labelField);
      } catch (error) {
        throw this.pinAwareError(error, 'so', slot, where, slotId);
      }
    });
    this.mechanismCache.delete(slotId);
    return this.slotFactsFor(slotId);
  }

  initUserPin(slotId: string, soPin: Uint8Array, userPin: Uint8Array): null {
    const p11 = this.api();
    const session = this.session(slotId);
    const slot = this.slot(slotId);
    const info = this.tokenInfoOrNull(slot);
    this.checkPinLength(userPin, info, 'user PIN');
    const alreadySo = this.loginState(session) === 'so';
    const where = `setting the user PIN of ${this.tokenName(slotId)}`;
    this.withPins([soPin, userPin], ([so, user]) => {
      if (!alreadySo) this.loginOnce(session, 'so', so, slot, `logging in as security officer to ${this.tokenName(slotId)}`, slotId);
      try {
        this.guard(() => p11.C_InitPIN(session.handle, user), where, slotId);
      } finally {
        if (!alreadySo) safely(() => p11.C_Logout(session.handle));
      }
    });
    return null;
  }

  changePin(slotId: string, userType: UserType, oldPin: Uint8Array, newPin: Uint8Array): null {
    const p11 = this.api();
    const session = this.session(slotId);
    const slot = this.slot(slotId);
    const info = this.tokenInfoOrNull(slot);
    const who = userType === 'so' ? 'security officer (SO) PIN' : 'user PIN';
    this.checkPinLength(newPin, info, `new ${who}`);
    const state = this.loginState(session);
    const where = `changing the ${who} of ${this.tokenName(slotId)}`;
    if (userType === 'user' && state === 'so') {
      throw new DomainError({
        code: 'ANOTHER_USER_LOGGED_IN',
        message: `The security officer is logged in, so the user PIN cannot be changed (${where}).`,
        action: 'Log the security officer out first, then change the user PIN.',
      });
    }
    if (userType === 'so' && state === 'user') {
      throw new DomainError({
        code: 'ANOTHER_USER_LOGGED_IN',
        message: `The user is logged in, so the SO PIN cannot be changed (${where}).`,
        action: 'Log the user out first, then change the SO PIN.',
      });
    }
    this.withPins([oldPin, newPin], ([oldText, newText]) => {
      // C_SetPIN changes the PIN of whoever is logged in, or the user PIN when nobody is.
      const loginForChange = userType === 'so' && state !== 'so';
      if (loginForChange) this.loginOnce(session, 'so', oldText, slot, `logging in as security officer to ${this.tokenName(slotId)}`, slotId);
      try {
        p11.C_SetPIN(session.handle, oldText, newText);
      } catch (error) {
        throw this.pinAwareError(error, userType, slot, where, slotId);
      } finally {
        if (loginForChange) safely(() => p11.C_Logout(session.handle));
      }
    });
    return null;
  }

  login(slotId: string, userType: UserType, pin: Uint8Array): SessionFacts {
    const session = this.session(slotId);
    const slot = this.slot(slotId);
    const info = this.tokenInfoOrNull(slot);
    const protectedPath = info?.flags.protectedAuthenticationPath === true && pin.length === 0;
    if (!protectedPath) this.checkPinLength(pin, info, userType === 'so' ? 'security officer (SO) PIN' : 'user PIN');
    const where = `logging in as ${userType === 'so' ? 'security officer' : 'user'} to ${this.tokenName(slotId)}`;
    this.withPins([pin], ([text]) => this.loginOnce(session, userType, protectedPath ? null : text, slot, where, slotId));
    return this.sessionState(slotId);
  }

  logout(slotId: string): SessionFacts {
    const p11 = this.api();
    const session = this.session(slotId);
    try {
      p11.C_Logout(session.handle);
    } catch (error) {
      // Logging out when nobody is logged in is already the wanted state.
      if (pkcs11ReturnCode(error) !== CKR_USER_NOT_LOGGED_IN) throw this.mapError(error, `logging out of ${this.tokenName(slotId)}`, slotId);
    }
    return this.sessionState(slotId);
  }

  sessionState(slotId: string): SessionFacts {
    const record = this.sessions.get(slotId);
    if (!record) {
      this.slot(slotId);
      return { slotId, open: false, readWrite: false, loggedIn: null };
    }
    return { slotId, open: true, readWrite: record.readWrite, loggedIn: this.loginState(record) };
  }

  generateRandom(slotId: string, length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 1 || length > MAX_RANDOM_BYTES) {
      throw new DomainError({
        code: 'BAD_REQUEST',
        message: `Asked the token for ${length} random bytes; between 1 and ${MAX_RANDOM_BYTES} can be asked at once.`,
        action: 'Ask for fewer bytes at a time.',
      });
    }
    const p11 = this.api();
    const session = this.session(slotId);
    const out = this.guard(
      () => p11.C_GenerateRandom(session.handle, Buffer.alloc(length)),
      `generating random bytes on ${this.tokenName(slotId)}`,
      slotId,
    );
    const copy = copyBytes(out);
    out.fill(0);
    return copy;
  }

  // ---------------------------------------------------------------- keys

  generateKey(slotId: string, type: KeySpecType, label: string, role: KeyRole, id?: string): GeneratedKey {
    const p11 = this.api();
    const labelRaw = labelBytes(label);
    const session = this.session(slotId);
    this.requireUserLogin(session, slotId, `generating the key "${label}"`);
    const idRaw = id === undefined ? this.freshId(session) : idBytes(id);
    const plan = keyGenerationPlan(type, role, labelRaw, idRaw);
    this.requireMechanism(slotId, plan.mechanism, `generating a ${type} key`);
    this.refuseExisting(slotId, session, label, labelRaw, id === undefined ? null : idRaw);
    const where = `generating the ${type} key "${label}" on ${this.tokenName(slotId)}`;
    const created: Handle[] = [];
    try {
      if (plan.kind === 'secret') {
        const secret = this.guard(
          () => p11.C_GenerateKey(session.handle, { mechanism: plan.mechanism }, pkcs11Template(plan.secret ?? [])),
          where,
          slotId,
        );
        created.push(secret);
        this.verifyReadBack(session, secret, plan.expectSecret ?? [], `the secret key "${label}"`, slotId);
        return {
          type,
          role,
          label,
          id: Buffer.from(idRaw).toString('hex'),
          secretKey: this.keyInfo(slotId, session, secret),
          privateKey: null,
          publicKey: null,
        };
      }
      const pair = this.guard(
        () =>
          p11.C_GenerateKeyPair(
            session.handle,
            { mechanism: plan.mechanism },
            pkcs11Template(plan.publicKey ?? []),
            pkcs11Template(plan.privateKey ?? []),
          ),
        where,
        slotId,
      );
      created.push(pair.privateKey, pair.publicKey);
      this.verifyReadBack(session, pair.privateKey, plan.expectPrivate ?? [], `the private key "${label}"`, slotId);
      this.verifyReadBack(session, pair.publicKey, plan.expectPublic ?? [], `the public key "${label}"`, slotId);
      return {
        type,
        role,
        label,
        id: Buffer.from(idRaw).toString('hex'),
        secretKey: null,
        privateKey: this.keyInfo(slotId, session, pair.privateKey),
        publicKey: this.keyInfo(slotId, session, pair.publicKey),
      };
    } catch (error) {
      // A key that is not exactly what was asked must not stay on the token.
      for (const handle of created) safely(() => p11.C_DestroyObject(session.handle, handle));
      throw error;
    }
  }

  findObjects(slotId: string, query: { label?: string; id?: string; class?: ObjectClassName }): ObjectSummary[] {
    const session = this.session(slotId);
    const template: pkcs11js.Template = [];
    if (query.label !== undefined) template.push({ type: CKA_LABEL, value: toBuffer(utf8.encode(query.label)) });
    if (query.id !== undefined) template.push({ type: CKA_ID, value: toBuffer(idBytes(query.id)) });
    if (query.class !== undefined) {
      if (query.class === 'other') {
        throw new DomainError({ code: 'BAD_REQUEST', message: 'Objects cannot be searched by the class "other".', action: 'Search by data, certificate, public, private or secret.' });
      }
      template.push({ type: CKA_CLASS, value: CLASS_VALUES[query.class] });
    }
    const handles = this.find(session, template, slotId, `searching ${this.tokenName(slotId)}`);
    return handles.map((h) => {
      const attrs = this.readAttributes(session, h, [CKA_CLASS, CKA_KEY_TYPE, CKA_LABEL, CKA_ID]);
      const cls = className(ulong(attrs.get(CKA_CLASS)));
      const isKey = cls === 'public' || cls === 'private' || cls === 'secret';
      return {
        handle: this.objectHandle(slotId, h),
        slotId,
        class: cls,
        keyType: isKey ? keyTypeNameOf(ulong(attrs.get(CKA_KEY_TYPE))) : null,
        label: text(attrs.get(CKA_LABEL)),
        id: hex(attrs.get(CKA_ID)),
      };
    });
  }

  keyAttributes(handle: string): KeyInfo {
    const { slotId, object } = this.resolve(handle);
    const session = this.session(slotId);
    return this.keyInfo(slotId, session, object);
  }

  destroyObject(handle: string): null {
    const p11 = this.api();
    const { slotId, object } = this.resolve(handle);
    const session = this.session(slotId);
    this.guard(() => p11.C_DestroyObject(session.handle, object), `deleting an object from ${this.tokenName(slotId)}`, slotId);
    return null;
  }

  exportPublicKey(handle: string): PublicKeyExport {
    const { slotId, object } = this.resolve(handle);
    const session = this.session(slotId);
    const publicKey = this.publicKeyFor(slotId, session, object);
    const where = `reading the public key from ${this.tokenName(slotId)}`;
    const base = this.readAttributes(session, publicKey, [CKA_KEY_TYPE]);
    const keyType = ulong(base.get(CKA_KEY_TYPE));
    if (keyType === CKK_RSA) {
      const a = this.readAttributes(session, publicKey, [CKA_MODULUS, CKA_PUBLIC_EXPONENT]);
      const modulus = a.get(CKA_MODULUS);
      const exponent = a.get(CKA_PUBLIC_EXPONENT);
      if (!modulus || !exponent) throw publicKeyUnreadable(where, 'CKA_MODULUS or CKA_PUBLIC_EXPONENT is missing');
      const spki = rsaSpki(modulus, exponent);
      return { algorithm: 'rsa', bits: bitLength(modulus), spki, pem: toPem(spki), handle: this.objectHandle(slotId, publicKey) };
    }
    if (keyType === CKK_EC || keyType === CKK_EC_EDWARDS) {
      const a = this.readAttributes(session, publicKey, [CKA_EC_PARAMS, CKA_EC_POINT]);
      const params = a.get(CKA_EC_PARAMS);
      const point = a.get(CKA_EC_POINT);
      if (!params || !point) throw publicKeyUnreadable(where, 'CKA_EC_PARAMS or CKA_EC_POINT is missing');
      let spki: Uint8Array;
      let curve;
      try {
        curve = curveFromEcParams(params);
        spki = ecSpki(curve, ecPointFromAttribute(point, curve));
      } catch (error) {
        throw publicKeyUnreadable(where, (error as Error).message);
      }
      const bits = curve.algorithm === 'ec-p256' ? 256 : curve.algorithm === 'ec-p384' ? 384 : 255;
      return { algorithm: curve.algorithm, bits, spki, pem: toPem(spki), handle: this.objectHandle(slotId, publicKey) };
    }
    throw new DomainError({
      code: 'KEY_TYPE_UNSUPPORTED',
      message: `The key is of a type Conclave cannot export (${keyType === null ? 'unknown' : `CKK 0x${keyType.toString(16)}`}).`,
      action: 'Export RSA, EC P-256, EC P-384 or Ed25519 public keys.',
    });
  }

  sign(handle: string, mechanism: SignMechanism, data: Uint8Array): Uint8Array {
    const p11 = this.api();
    checkData(data, 'data to sign');
    const { slotId, object } = this.resolve(handle);
    const session = this.session(slotId);
    const key = this.readAttributes(session, object, [CKA_CLASS, CKA_KEY_TYPE]);
    if (ulong(key.get(CKA_CLASS)) !== CKO_PRIVATE_KEY) {
      throw new DomainError({ code: 'KEY_CLASS_MISMATCH', message: 'Only a private key can sign.', action: 'Choose the private key of the key pair.' });
    }
    this.checkKeyTypeFor(mechanism, ulong(key.get(CKA_KEY_TYPE)));
    const { mech, input } = this.signingMechanism(slotId, mechanism, data);
    const where = `signing with ${mechanism} on ${this.tokenName(slotId)}`;
    return copyBytes(
      this.guard(
        () => {
          p11.C_SignInit(session.handle, mech, object);
          return p11.C_Sign(session.handle, toBuffer(input), Buffer.alloc(1024));
        },
        where,
        slotId,
      ),
    );
  }

  verify(handle: string, mechanism: SignMechanism, data: Uint8Array, signature: Uint8Array): boolean {
    const p11 = this.api();
    checkData(data, 'signed data');
    checkData(signature, 'signature');
    const { slotId, object } = this.resolve(handle);
    const session = this.session(slotId);
    const publicKey = this.publicKeyFor(slotId, session, object);
    this.checkKeyTypeFor(mechanism, ulong(this.readAttributes(session, publicKey, [CKA_KEY_TYPE]).get(CKA_KEY_TYPE)));
    const { mech, input } = this.signingMechanism(slotId, mechanism, data);
    try {
      p11.C_VerifyInit(session.handle, mech, publicKey);
      p11.C_Verify(session.handle, toBuffer(input), toBuffer(signature));
      return true;
    } catch (error) {
      const code = pkcs11ReturnCode(error);
      if (code === CKR_SIGNATURE_INVALID || code === CKR_SIGNATURE_LEN_RANGE) return false;
      throw this.mapError(error, `verifying a ${mechanism} signature on ${this.tokenName(slotId)}`, slotId);
    }
  }

  wrapKey(wrappingKey: string, key: string, mechanism: WrapMechanism): Uint8Array {
    const p11 = this.api();
    const wrapping = this.resolve(wrappingKey);
    const target = this.resolve(key);
    sameSlot(wrapping.slotId, target.slotId);
    const slotId = wrapping.slotId;
    const session = this.session(slotId);
    const mech = this.wrapMechanism(slotId, mechanism);
    const where = `wrapping a key with ${mechanism} on ${this.tokenName(slotId)}`;
    try {
      return copyBytes(p11.C_WrapKey(session.handle, mech, wrapping.object, target.object, Buffer.alloc(16384)));
    } catch (error) {
      throw this.wrapError(error, mechanism, where, slotId);
    }
  }

  unwrapKey(
    unwrappingKey: string,
    wrapped: Uint8Array,
    mechanism: WrapMechanism,
    target: UnwrapTarget,
    label: string,
    role: KeyRole,
    id?: string,
    sessionOnly = false,
  ): KeyInfo {
    const p11 = this.api();
    checkData(wrapped, 'wrapped key');
    const labelRaw = labelBytes(label);
    const { slotId, object } = this.resolve(unwrappingKey);
    const session = this.session(slotId);
    this.requireUserLogin(session, slotId, `unwrapping the key "${label}"`);
    if (mechanism !== 'aes-key-wrap-pad' && target.class !== 'secret') {
      throw new DomainError({
        code: 'BAD_REQUEST',
        message: 'RSA-OAEP can carry only secret keys; a private key is wrapped with AES key wrap (with padding).',
        action: 'Unwrap private keys with aes-key-wrap-pad.',
      });
    }
    const idRaw = id === undefined ? this.freshId(session) : idBytes(id);
    const template = unwrapTemplate(target, role, labelRaw, idRaw, sessionOnly ? 'session' : 'token');
    const mech = this.wrapMechanism(slotId, mechanism);
    this.refuseExisting(slotId, session, label, labelRaw, id === undefined ? null : idRaw);
    const where = `unwrapping the key "${label}" with ${mechanism} on ${this.tokenName(slotId)}`;
    let created: Handle;
    try {
      created = p11.C_UnwrapKey(session.handle, mech, object, toBuffer(wrapped), pkcs11Template(template));
    } catch (error) {
      const mapped = this.wrapError(error, mechanism, where, slotId);
      // SoftHSM2 (and some HSMs) answer a failed integrity check with a generic failure
      // instead of CKR_WRAPPED_KEY_INVALID; the token still answers, so say what it most likely means.
      if (mapped.code === 'GENERAL_ERROR' || mapped.code === 'FUNCTION_FAILED') {
        throw new DomainError({
          code: 'WRAPPED_KEY_INVALID',
          message: `The token could not unwrap the key (${where}): the wrapped bytes do not open under this key. Most likely they were wrapped under a different key-encryption key, or were altered or damaged; the token reported only a generic failure.`,
          action: 'Check that the bundle belongs to this recipient and was not altered, and that the right unwrapping key is used.',
          ...(mapped.detail !== undefined ? { detail: mapped.detail } : {}),
        });
      }
      throw mapped;
    }
    try {
      this.verifyReadBack(session, created, template, `the unwrapped key "${label}"`, slotId);
      return this.keyInfo(slotId, session, created);
    } catch (error) {
      safely(() => p11.C_DestroyObject(session.handle, created));
      throw error;
    }
  }

  /**
   * Makes an AES key value a session object that only wraps and unwraps (C_CreateObject,
   * CKA_TOKEN false): it is gone when the session closes or the worker exits. The value
   * and the copy handed to the module are overwritten before this returns.
   */
  importSessionWrapKey(slotId: string, secretValue: Uint8Array, label: string): KeyInfo {
    const value = Buffer.from(secretValue);
    try {
      if (![16, 24, 32].includes(value.length)) {
        throw new DomainError({
          code: 'KEY_SIZE_RANGE',
          message: `An AES wrapping key is 16, 24 or 32 bytes long; ${value.length} bytes were given.`,
          action: 'This is a programming error in Conclave; report it.',
        });
      }
      const p11 = this.api();
      const labelRaw = labelBytes(label);
      const session = this.session(slotId);
      this.requireUserLogin(session, slotId, `importing the wrapping key "${label}"`);
      const template = sessionWrapKeyTemplate(labelRaw, this.freshId(session));
      this.refuseExisting(slotId, session, label, labelRaw, null);
      const created = this.guard(
        () => p11.C_CreateObject(session.handle, [...pkcs11Template(template), { type: CKA_VALUE, value }]),
        `importing the wrapping key "${label}" into ${this.tokenName(slotId)}`,
        slotId,
      );
      try {
        this.verifyReadBack(session, created, template, `the wrapping key "${label}"`, slotId);
        return this.keyInfo(slotId, session, created);
      } catch (error) {
        safely(() => p11.C_DestroyObject(session.handle, created));
        throw error;
      }
    } finally {
      value.fill(0);
      secretValue.fill(0);
    }
  }

  // ---------------------------------------------------------------- wrapping for a recipient

  importWrappingPublicKey(slotId: string, spki: Uint8Array): KeyInfo {
    const p11 = this.api();
    checkData(spki, 'public key');
    const parsed = peerPublicKey(spki, 'the recipient public key');
    if (parsed.algorithm !== 'rsa') {
      throw new DomainError({
        code: 'KEY_TYPE_UNSUPPORTED',
        message: `The recipient's public key is an ${parsed.algorithm} key; only an RSA public key wraps keys directly.`,
        action: 'Wrap for an EC recipient through ECDH (ecdh-aes-kwp).',
      });
    }
    const session = this.session(slotId);
    const template = wrappingPublicKeyTemplate(parsed.modulus, parsed.publicExponent);
    const created = this.createChecked(slotId, session, template, 'the recipient RSA public key', () =>
      p11.C_CreateObject(session.handle, pkcs11Template(template.create)),
    );
    return this.keyInfo(slotId, session, created);
  }

  generateEphemeralWrapKey(slotId: string): KeyInfo {
    const p11 = this.api();
    const session = this.session(slotId);
    this.requireUserLogin(session, slotId, 'generating an ephemeral wrapping key');
    this.requireMechanism(slotId, CKM_AES_KEY_GEN, 'generating an ephemeral AES key');
    const template = ephemeralWrapKeyTemplate();
    const created = this.createChecked(slotId, session, template, 'the ephemeral AES key', () =>
      p11.C_GenerateKey(session.handle, { mechanism: CKM_AES_KEY_GEN }, pkcs11Template(template.create)),
    );
    return this.keyInfo(slotId, session, created);
  }

  generateEcdhKeyPair(slotId: string, curve: EcdhCurve): EcdhKeyPair {
    const p11 = this.api();
    const session = this.session(slotId);
    this.requireUserLogin(session, slotId, 'generating an ephemeral ECDH key pair');
    this.requireMechanism(slotId, CKM_EC_KEY_PAIR_GEN, `generating an ephemeral ${curve} key pair`);
    this.requireMechanism(slotId, CKM_ECDH1_DERIVE, 'ECDH key agreement');
    const t = ephemeralEcPairTemplates(curve);
    const pair = this.guard(
      () => p11.C_GenerateKeyPair(session.handle, { mechanism: CKM_EC_KEY_PAIR_GEN }, pkcs11Template(t.publicKey.create), pkcs11Template(t.privateKey.create)),
      `generating an ephemeral ${curve} key pair on ${this.tokenName(slotId)}`,
      slotId,
    );
    try {
      this.verifyReadBack(session, pair.privateKey, t.privateKey.expect, 'the ephemeral ECDH private key', slotId);
      this.verifyReadBack(session, pair.publicKey, t.publicKey.expect, 'the ephemeral ECDH public key', slotId);
      const point = this.readAttributes(session, pair.publicKey, [CKA_EC_POINT]).get(CKA_EC_POINT);
      if (!point) throw publicKeyUnreadable(`reading the ephemeral ECDH public key from ${this.tokenName(slotId)}`, 'CKA_EC_POINT is missing');
      const spki = ecSpki(CURVES[curve], ecPointFromAttribute(point, CURVES[curve]));
      return { privateKey: this.keyInfo(slotId, session, pair.privateKey), publicKey: this.keyInfo(slotId, session, pair.publicKey), spki };
    } catch (error) {
      safely(() => p11.C_DestroyObject(session.handle, pair.privateKey));
      safely(() => p11.C_DestroyObject(session.handle, pair.publicKey));
      throw error;
    }
  }

  deriveEcdhKey(baseKey: string, peerSpki: Uint8Array, kdf: EcdhKdf, target: DerivedKeyTarget): KeyInfo {
    const p11 = this.api();
    checkData(peerSpki, 'peer public key');
    const { slotId, object } = this.resolve(baseKey);
    const session = this.session(slotId);
    this.requireUserLogin(session, slotId, 'deriving a key with ECDH');
    this.requireMechanism(slotId, CKM_ECDH1_DERIVE, 'ECDH key agreement');
    const base = this.readAttributes(session, object, [CKA_CLASS, CKA_KEY_TYPE, CKA_EC_PARAMS, CKA_DERIVE]);
    const params = base.get(CKA_EC_PARAMS);
    if (ulong(base.get(CKA_CLASS)) !== CKO_PRIVATE_KEY || ulong(base.get(CKA_KEY_TYPE)) !== CKK_EC || !params) {
      throw new DomainError({ code: 'KEY_TYPE_MISMATCH', message: 'ECDH needs an EC private key (P-256 or P-384).', action: 'Choose the EC private key of the recipient or of the ephemeral key pair.' });
    }
    if (bool(base.get(CKA_DERIVE)) !== true) {
      throw new DomainError({
        code: 'KEY_FUNCTION_NOT_PERMITTED',
        message: `This EC key on ${this.tokenName(slotId)} may not derive keys (CKA_DERIVE is false), so it cannot do ECDH.`,
        action: 'Use an EC key made for key agreement (role "derive").',
      });
    }
    const ownCurve = curveFromEcParams(params).algorithm;
    const peer = peerPublicKey(peerSpki, 'the other party\'s public key');
    if (peer.algorithm !== ownCurve) {
      throw new DomainError({
        code: 'KEY_TYPE_MISMATCH',
        message: `The other party's public key is ${peer.algorithm === 'rsa' ? 'an RSA key' : `on ${peer.algorithm}`}, but this ECDH key is on ${ownCurve}.`,
        action: 'Both keys of an ECDH agreement must be on the same curve.',
      });
    }
    let placement: DerivedKeyPlacement;
    let labelText = 'a session key';
    if (target.store === 'token') {
      const labelRaw = labelBytes(target.label);
      const idRaw = target.id === undefined ? this.freshId(session) : idBytes(target.id);
      this.refuseExisting(slotId, session, target.label, labelRaw, target.id === undefined ? null : idRaw);
      placement = { store: 'token', label: labelRaw, id: idRaw };
      labelText = `the key "${target.label}"`;
    } else {
      placement = target;
    }
    const template = derivedKeyTemplate(placement);
    const where = `deriving ${labelText} with ECDH (KDF ${kdf}) on ${this.tokenName(slotId)}`;
    const created = this.createChecked(slotId, session, template, `the ECDH-derived ${labelText}`, () => {
      try {
        return p11.C_DeriveKey(session.handle, ecdhMechanism(kdf, peer.point), object, pkcs11Template(template.create));
      } catch (error) {
        throw this.ecdhError(error, kdf, where, slotId);
      }
    });
    return this.keyInfo(slotId, session, created);
  }

  keyCheckValue(handle: string): KeyCheckValue {
    const p11 = this.api();
    const { slotId, object } = this.resolve(handle);
    const session = this.session(slotId);
    this.requireMechanism(slotId, CKM_AES_KEY_WRAP_PAD, 'computing a key check value');
    const a = this.readAttributes(session, object, [CKA_CLASS, CKA_KEY_TYPE, CKA_WRAP]);
    if (ulong(a.get(CKA_CLASS)) !== CKO_SECRET_KEY || ulong(a.get(CKA_KEY_TYPE)) !== CKK_AES) {
      throw new DomainError({ code: 'KEY_TYPE_MISMATCH', message: 'A key check value is computed for an AES key-encryption key only.', action: 'Choose the AES transport key.' });
    }
    if (bool(a.get(CKA_WRAP)) !== true) {
      throw new DomainError({
        code: 'KEY_FUNCTION_NOT_PERMITTED',
        message: `The key on ${this.tokenName(slotId)} may not wrap (CKA_WRAP is false); its check value is the digest of a test key wrapped under it.`,
        action: 'Use a key-encryption key that may wrap and unwrap (role "wrap").',
      });
    }
    const template = checkValueTestKeyTemplate();
    const test = this.createChecked(slotId, session, template, 'the check value test key', () => p11.C_CreateObject(session.handle, pkcs11Template(template.create)));
    try {
      const wrapped = this.guard(
        () => p11.C_WrapKey(session.handle, { mechanism: CKM_AES_KEY_WRAP_PAD }, object, test, Buffer.alloc(64)),
        `computing the check value of a key on ${this.tokenName(slotId)}`,
        slotId,
      );
      return { method: 'aes-kwp-sha256', value: createHash('sha256').update(wrapped).digest().subarray(0, CHECK_VALUE_BYTES).toString('hex') };
    } finally {
      safely(() => p11.C_DestroyObject(session.handle, test));
    }
  }

  /** Runs `make` and checks what it created against the template; anything not as asked is destroyed. */
  private createChecked(slotId: string, session: SessionRecord, template: CreateTemplate, what: string, make: () => Handle): Handle {
    const created = this.guard(make, `creating ${what} on ${this.tokenName(slotId)}`, slotId);
    try {
      this.verifyReadBack(session, created, template.expect, what, slotId);
      return created;
    } catch (error) {
      safely(() => this.api().C_DestroyObject(session.handle, created));
      throw error;
    }
  }

  private ecdhError(error: unknown, kdf: EcdhKdf, where: string, slotId: string): DomainError {
    const code = pkcs11ReturnCode(error);
    const detail = code === null ? String(error) : `${describeReturnCode(code)}${pkcs11Method(error) ? ` from ${pkcs11Method(error)}` : ''}`;
    if (code === CKR_MECHANISM_PARAM_INVALID || (code === CKR_ARGUMENTS_BAD && kdf !== 'null')) {
      return new DomainError({
        code: 'MECHANISM_PARAM_UNSUPPORTED',
        message: `${this.tokenName(slotId)} refused ECDH with the key derivation function ${kdf === 'null' ? 'CKD_NULL' : 'CKD_SHA256_KDF'} (${where}).`.replace(/^./u, (c) => c.toUpperCase()),
        action: kdf === 'null' ? 'Use a token that offers ECDH with CKD_NULL, or another wrap method.' : 'Use CKD_NULL on a P-256 key, or a token that offers CKD_SHA256_KDF.',
        detail,
      });
    }
    const mapped = this.mapError(error, where, slotId);
    if (mapped.code === 'GENERAL_ERROR' || mapped.code === 'FUNCTION_FAILED' || mapped.code === 'ARGUMENTS_BAD' || mapped.code === 'DATA_INVALID') {
      return new DomainError({
        code: 'PEER_KEY_INVALID',
        message: `The token could not agree a key with the other party's public key (${where}); most likely the key is not a valid point on the curve, because it was altered or damaged.`,
        action: 'Check that the bundle or the other token\'s public key was not altered; take a fresh copy.',
        detail,
      });
    }
    return mapped;
  }

  // ---------------------------------------------------------------- internals

  private api(): Pkcs11Api {
    if (!this.p11) {
      throw new DomainError({
        code: 'MODULE_NOT_LOADED',
        message: 'No PKCS#11 module is loaded.',
        action: 'Choose the HSM\'s PKCS#11 module first ("Use module", or --module on the command line).',
      });
    }
    return this.p11;
  }

  private rememberSlot(slot: Handle): string {
    this.handleWidth = slot.length;
    const id = ulongBufferToDecimal(slot);
    this.slotHandles.set(id, slot);
    return id;
  }

  private slot(slotId: string): Handle {
    this.api();
    if (!isDecimalId(slotId)) {
      throw new DomainError({ code: 'BAD_REQUEST', message: `"${String(slotId)}" is not a slot id.`, action: 'Give the slot id as a decimal number.' });
    }
    return this.slotHandles.get(slotId) ?? decimalToUlongBuffer(slotId, this.handleWidth);
  }

  private tokenInfoOrNull(slot: Handle): TokenInfoFacts | null {
    try {
      return tokenFacts(this.api().C_GetTokenInfo(slot) as unknown as RawTokenInfo);
    } catch {
      return null;
    }
  }

  private slotFactsFor(slotId: string): SlotFacts {
    const p11 = this.api();
    const slot = this.slot(slotId);
    const info = this.guard(() => p11.C_GetSlotInfo(slot), `reading slot ${slotId}`, null);
    const token = this.guard(() => p11.C_GetTokenInfo(slot) as unknown as RawTokenInfo, `reading the token in slot ${slotId}`, slotId);
    return slotFacts(slotId, info, tokenFacts(token), null);
  }

  private tokenName(slotId: string): string {
    const label = this.sessions.get(slotId)?.label;
    return label ? `token "${label}" in slot ${slotId}` : `the token in slot ${slotId}`;
  }

  /** This worker's session with the token in `slotId`, opened read-write on first use. */
  private session(slotId: string): SessionRecord {
    const existing = this.sessions.get(slotId);
    if (existing) return existing;
    const p11 = this.api();
    const slot = this.slot(slotId);
    const info = this.guard(() => p11.C_GetTokenInfo(slot), `opening a session with the token in slot ${slotId}`, slotId);
    let handle: Handle;
    let readWrite = true;
    try {
      handle = p11.C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    } catch (error) {
      if (pkcs11ReturnCode(error) !== CKR_TOKEN_WRITE_PROTECTED) throw this.mapError(error, `opening a session with the token in slot ${slotId}`, null);
      readWrite = false;
      handle = this.guard(() => p11.C_OpenSession(slot, CKF_SERIAL_SESSION), `opening a read-only session with the token in slot ${slotId}`, null);
    }
    const record = { handle, readWrite, serial: info.serialNumber.trim(), label: info.label.replace(/[\s\0]+$/u, '') };
    this.sessions.set(slotId, record);
    return record;
  }

  private closeSessions(slotId: string): void {
    const p11 = this.api();
    this.sessions.delete(slotId);
    safely(() => p11.C_CloseAllSessions(this.slot(slotId)));
  }

  private loginState(session: SessionRecord): UserType | null {
    const p11 = this.api();
    const slotId = this.slotOfSession(session);
    const info = this.guard(() => p11.C_GetSessionInfo(session.handle), `reading the login state of ${slotId === null ? 'the token' : this.tokenName(slotId)}`, slotId);
    if (info.state === CKS_RW_SO_FUNCTIONS) return 'so';
    if (info.state === CKS_RO_USER_FUNCTIONS || info.state === CKS_RW_USER_FUNCTIONS) return 'user';
    return null;
  }

  /** One C_Login. A refused PIN is reported with the token's counter flags and never tried again. */
  private loginOnce(session: SessionRecord, userType: UserType, pin: string | null, slot: Handle, where: string, slotId: string): void {
    const p11 = this.api();
    try {
      if (pin === null) p11.C_Login(session.handle, userType === 'so' ? CKU_SO : CKU_USER);
      else p11.C_Login(session.handle, userType === 'so' ? CKU_SO : CKU_USER, pin);
    } catch (error) {
      throw this.pinAwareError(error, userType, slot, where, slotId);
    }
  }

  private pinAwareError(error: unknown, owner: PinOwner, slot: Handle, where: string, slotId: string): DomainError {
    const code = pkcs11ReturnCode(error);
    if (code === CKR_PIN_INCORRECT || code === CKR_PIN_LOCKED) {
      const info = this.tokenInfoOrNull(slot);
      const flags = info
        ? owner === 'so'
          ? { countLow: info.flags.soPinCountLow, finalTry: info.flags.soPinFinalTry, locked: info.flags.soPinLocked || code === CKR_PIN_LOCKED }
          : { countLow: info.flags.userPinCountLow, finalTry: info.flags.userPinFinalTry, locked: info.flags.userPinLocked || code === CKR_PIN_LOCKED }
        : code === CKR_PIN_LOCKED
          ? { countLow: false, finalTry: false, locked: true }
          : null;
      const method = pkcs11Method(error);
      return pinRefusedError(owner, flags, method ? { where, method } : { where }, code);
    }
    return this.mapError(error, where, slotId);
  }

  private checkPinLength(pin: Uint8Array, info: TokenInfoFacts | null, what: string): void {
    if (!(pin instanceof Uint8Array)) {
      throw new DomainError({ code: 'BAD_REQUEST', message: `The ${what} must be given as bytes.`, action: 'This is a programming error; report it.' });
    }
    const min = info?.minPinLength ?? null;
    const max = info?.maxPinLength ?? null;
    // Refusing an impossible PIN here keeps it from counting as a wrong attempt on the token.
    if (min !== null && max !== null && min > 0 && max >= min && (pin.length < min || pin.length > max)) {
      throw new DomainError({
        code: 'PIN_LEN_RANGE',
        message: `The ${what} is ${pin.length} bytes long (UTF-8); this token needs ${min} to ${max}.`,
        action: `Enter a PIN of ${min} to ${max} bytes (plain ASCII characters count one byte each). Nothing was sent to the token, so no attempt was used.`,
      });
    }
  }

  /** Decodes PINs for pkcs11js (which takes strings) and overwrites the byte arrays afterwards. */
  private withPins<P extends Uint8Array[], T>(pins: [...P], use: (texts: { [K in keyof P]: string }) => T): T {
    try {
      let texts: { [K in keyof P]: string };
      try {
        texts = pins.map((p) => pinDecoder.decode(p)) as { [K in keyof P]: string };
      } catch {
        throw new DomainError({ code: 'PIN_INVALID', message: 'The PIN is not valid UTF-8 text.', action: 'Enter the PIN again.' });
      }
      // The strings live only for this call; JavaScript strings cannot be overwritten.
      return use(texts);
    } finally {
      for (const p of pins) p.fill(0);
    }
  }

  private requireUserLogin(session: SessionRecord, slotId: string, doing: string): void {
    if (this.loginState(session) !== 'user') {
      throw new DomainError({
        code: 'NOT_LOGGED_IN',
        message: `Nobody is logged in as user to ${this.tokenName(slotId)}, and ${doing} needs it.`,
        action: 'Log in with the user PIN first, then repeat the step.',
      });
    }
  }

  private mechanismSet(slotId: string): Set<number> {
    const cached = this.mechanismCache.get(slotId);
    if (cached) return cached;
    const p11 = this.api();
    const slot = this.slot(slotId);
    const set = new Set(this.guard(() => p11.C_GetMechanismList(slot), `listing the mechanisms of slot ${slotId}`, slotId));
    this.mechanismCache.set(slotId, set);
    return set;
  }

  private requireMechanism(slotId: string, mechanism: number, doing: string): void {
    if (!this.mechanismSet(slotId).has(mechanism)) {
      throw new DomainError({
        code: 'MECHANISM_NOT_SUPPORTED',
        message: `${this.tokenName(slotId)} does not offer ${mechanismName(mechanism)}, which ${doing} needs.`.replace(/^./u, (c) => c.toUpperCase()),
        action: "Check the token's mechanism list; use a token that supports it, or choose another algorithm.",
        detail: `${mechanismName(mechanism)} (0x${mechanism.toString(16)}) is not in C_GetMechanismList`,
      });
    }
  }

  // A CKA_ID only names a key; it is not key material, so when a token's RNG refuses
  // the OS CSPRNG may stand in for it.
  private freshId(session: SessionRecord): Uint8Array {
    try {
      return copyBytes(this.api().C_GenerateRandom(session.handle, Buffer.alloc(16)));
    } catch {
      return Uint8Array.from(randomBytes(16));
    }
  }

  private refuseExisting(slotId: string, session: SessionRecord, label: string, labelRaw: Uint8Array, idRaw: Uint8Array | null): void {
    const byLabel = this.find(session, [{ type: CKA_LABEL, value: toBuffer(labelRaw) }], slotId, `checking whether the label "${label}" is taken`);
    if (byLabel.length > 0) {
      throw new DomainError({
        code: 'LABEL_EXISTS',
        message: `${this.tokenName(slotId)} already holds ${byLabel.length === 1 ? 'an object' : `${byLabel.length} objects`} labelled "${label}"; Conclave never reuses a key label.`.replace(/^./u, (c) => c.toUpperCase()),
        action: 'Choose a new label for this key (check the ceremony script), or confirm that the existing key is the one you meant.',
      });
    }
    if (idRaw) {
      const byId = this.find(session, [{ type: CKA_ID, value: toBuffer(idRaw) }], slotId, 'checking whether the key id is taken');
      if (byId.length > 0) {
        throw new DomainError({
          code: 'ID_EXISTS',
          message: `${this.tokenName(slotId)} already holds an object with the id ${Buffer.from(idRaw).toString('hex')}.`.replace(/^./u, (c) => c.toUpperCase()),
          action: 'Choose another id, or leave the id out to have a fresh one generated.',
        });
      }
    }
  }

  private find(session: SessionRecord, template: pkcs11js.Template, slotId: string, doing: string): Handle[] {
    const p11 = this.api();
    return this.guard(
      () => {
        p11.C_FindObjectsInit(session.handle, template);
        const found: Handle[] = [];
        try {
          for (;;) {
            const batch = p11.C_FindObjects(session.handle, 64);
            if (batch.length === 0) break;
            found.push(...batch);
          }
        } finally {
          safely(() => p11.C_FindObjectsFinal(session.handle));
        }
        // Some modules (SoftHSM2) answer a search on a vanished token with an empty result;
        // "nothing found" must not be mistaken for "not there" (a label check would pass).
        if (found.length === 0) {
          const gone = this.removalReason(slotId);
          if (gone) throw this.tokenGone(slotId, gone, `${doing} on ${this.tokenName(slotId)}`);
        }
        return found;
      },
      `${doing} on ${this.tokenName(slotId)}`,
      slotId,
    );
  }

  /** Reads attributes one at a time, so one the object lacks (or keeps secret) reads as absent. */
  private readAttributes(session: SessionRecord, object: Handle, types: number[]): Map<number, Uint8Array | null> {
    const p11 = this.api();
    const out = new Map<number, Uint8Array | null>();
    for (const type of types) {
      try {
        const [result] = p11.C_GetAttributeValue(session.handle, object, [{ type }]);
        out.set(type, result?.value ? copyBytes(result.value) : null);
      } catch (error) {
        const code = pkcs11ReturnCode(error);
        if (code !== null && MAYBE_REMOVED.has(code)) throw this.mapError(error, 'reading key attributes', this.slotOfSession(session));
        out.set(type, null);
      }
    }
    return out;
  }

  private slotOfSession(session: SessionRecord): string | null {
    for (const [slotId, record] of this.sessions) if (record === session) return slotId;
    return null;
  }

  private verifyReadBack(session: SessionRecord, object: Handle, expected: TemplateAttribute[], what: string, slotId: string): void {
    const actual = this.readAttributes(
      session,
      object,
      expected.map((e) => e.type),
    );
    const mismatches = compareAttributes(expected, actual);
    if (mismatches.length > 0) throw attributesMismatch(what, this.tokenName(slotId), mismatches);
  }

  private keyInfo(slotId: string, session: SessionRecord, object: Handle): KeyInfo {
    const a = this.readAttributes(session, object, [
      CKA_CLASS,
      CKA_KEY_TYPE,
      CKA_LABEL,
      CKA_ID,
      CKA_TOKEN,
      CKA_PRIVATE,
      CKA_MODIFIABLE,
      CKA_SENSITIVE,
      CKA_EXTRACTABLE,
      CKA_ALWAYS_SENSITIVE,
      CKA_NEVER_EXTRACTABLE,
      CKA_LOCAL,
      CKA_ENCRYPT,
      CKA_DECRYPT,
      CKA_SIGN,
      CKA_VERIFY,
      CKA_WRAP,
      CKA_UNWRAP,
      CKA_DERIVE,
      CKA_VALUE_LEN,
      CKA_MODULUS_BITS,
      CKA_MODULUS,
      CKA_PUBLIC_EXPONENT,
      CKA_EC_PARAMS,
    ]);
    let curve: KeyAttributes['curve'] = null;
    const params = a.get(CKA_EC_PARAMS);
    if (params) {
      try {
        curve = curveFromEcParams(params).algorithm;
      } catch {
        curve = null;
      }
    }
    const modulus = a.get(CKA_MODULUS);
    const exponent = a.get(CKA_PUBLIC_EXPONENT);
    const attributes: KeyAttributes = {
      class: className(ulong(a.get(CKA_CLASS))),
      keyType: keyTypeNameOf(ulong(a.get(CKA_KEY_TYPE))),
      label: text(a.get(CKA_LABEL)),
      id: hex(a.get(CKA_ID)),
      token: bool(a.get(CKA_TOKEN)),
      private: bool(a.get(CKA_PRIVATE)),
      modifiable: bool(a.get(CKA_MODIFIABLE)),
      sensitive: bool(a.get(CKA_SENSITIVE)),
      extractable: bool(a.get(CKA_EXTRACTABLE)),
      alwaysSensitive: bool(a.get(CKA_ALWAYS_SENSITIVE)),
      neverExtractable: bool(a.get(CKA_NEVER_EXTRACTABLE)),
      local: bool(a.get(CKA_LOCAL)),
      encrypt: bool(a.get(CKA_ENCRYPT)),
      decrypt: bool(a.get(CKA_DECRYPT)),
      sign: bool(a.get(CKA_SIGN)),
      verify: bool(a.get(CKA_VERIFY)),
      wrap: bool(a.get(CKA_WRAP)),
      unwrap: bool(a.get(CKA_UNWRAP)),
      derive: bool(a.get(CKA_DERIVE)),
      valueLength: ulong(a.get(CKA_VALUE_LEN)),
      modulusBits: ulong(a.get(CKA_MODULUS_BITS)) ?? (modulus ? bitLength(modulus) : null),
      publicExponent: exponent ? Buffer.from(exponent).toString('hex') : null,
      curve,
    };
    return { handle: this.objectHandle(slotId, object), slotId, attributes };
  }

  private objectHandle(slotId: string, object: Handle): string {
    return formatObjectHandle(this.instance, slotId, ulongBufferToDecimal(object));
  }

  private resolve(handle: string): { slotId: string; object: Handle } {
    const parsed = parseObjectHandle(handle, this.instance);
    this.slot(parsed.slotId);
    return { slotId: parsed.slotId, object: decimalToUlongBuffer(parsed.object, this.handleWidth) };
  }

  /** The public key object for a public or private key handle (matched by CKA_ID and key type). */
  private publicKeyFor(slotId: string, session: SessionRecord, object: Handle): Handle {
    const a = this.readAttributes(session, object, [CKA_CLASS, CKA_ID, CKA_KEY_TYPE]);
    const cls = ulong(a.get(CKA_CLASS));
    if (cls === null) {
      throw new DomainError({
        code: 'KEY_NOT_FOUND',
        message: `The key is not on ${this.tokenName(slotId)} (it may have been deleted).`,
        action: 'Find the key again by its label or id.',
      });
    }
    if (cls === CKO_PUBLIC_KEY) return object;
    const id = a.get(CKA_ID);
    const keyType = ulong(a.get(CKA_KEY_TYPE));
    if (cls === CKO_PRIVATE_KEY && id && id.length > 0 && keyType !== null) {
      const matches = this.find(
        session,
        [
          { type: CKA_CLASS, value: CKO_PUBLIC_KEY },
          { type: CKA_ID, value: toBuffer(id) },
          { type: CKA_KEY_TYPE, value: keyType },
        ],
        slotId,
        'looking up the public key',
      );
      if (matches.length === 1 && matches[0]) return matches[0];
      if (matches.length > 1) {
        throw new DomainError({
          code: 'PUBLIC_KEY_AMBIGUOUS',
          message: `${matches.length} public keys on ${this.tokenName(slotId)} share the id ${Buffer.from(id).toString('hex')}.`,
          action: 'Choose the public key object itself (find it by label and class "public").',
        });
      }
    }
    throw new DomainError({
      code: 'PUBLIC_KEY_NOT_FOUND',
      message: `No public key object belongs to this key on ${this.tokenName(slotId)}.`,
      action: 'Choose the public key of the pair; an unwrapped private key has no public key object on the token.',
    });
  }

  private checkKeyTypeFor(mechanism: SignMechanism, keyType: number | null): void {
    const needed = keyTypeForSignature(mechanism);
    if (keyType !== needed) {
      const names: Record<number, string> = { [CKK_EC]: 'EC', [CKK_EC_EDWARDS]: 'Ed25519', [CKK_RSA]: 'RSA' };
      throw new DomainError({
        code: 'KEY_TYPE_MISMATCH',
        message: `${mechanism} needs an ${names[needed]} key, but this key is ${keyType === null ? 'of unknown type' : names[keyType] ?? `of type 0x${keyType.toString(16)}`}.`,
        action: 'Choose the signature algorithm that matches the key.',
      });
    }
  }

  private signingMechanism(slotId: string, mechanism: SignMechanism, data: Uint8Array): SigningPlan {
    const plan = signingPlan(mechanism, this.mechanismSet(slotId), data);
    this.requireMechanism(slotId, plan.needs, plan.purpose);
    return plan;
  }

  private wrapMechanism(slotId: string, mechanism: WrapMechanism): pkcs11js.Mechanism {
    const plan = wrapPlan(mechanism);
    this.requireMechanism(slotId, plan.needs, plan.purpose);
    return plan.mech;
  }

  private wrapError(error: unknown, mechanism: WrapMechanism, where: string, slotId: string): DomainError {
    const code = pkcs11ReturnCode(error);
    if (mechanism !== 'aes-key-wrap-pad' && (code === CKR_ARGUMENTS_BAD || code === CKR_MECHANISM_PARAM_INVALID)) {
      const hash = mechanism === 'rsa-oaep-sha256' ? 'SHA-256 and MGF1-SHA-256' : 'SHA-1 and MGF1-SHA-1';
      return new DomainError({
        code: 'MECHANISM_PARAM_UNSUPPORTED',
        message: `${this.tokenName(slotId)} refused RSA-OAEP with ${hash} (${where}). Some tokens implement RSA-OAEP only with SHA-1; SoftHSM2 2.6 is one.`.replace(/^./u, (c) => c.toUpperCase()),
        action: 'Use a token that supports RSA-OAEP with SHA-256, or wrap with AES key wrap (aes-key-wrap-pad). Choose rsa-oaep-sha1 only where your key policy allows it.',
        detail: `${describeReturnCode(code)}${pkcs11Method(error) ? ` from ${pkcs11Method(error)}` : ''}`,
      });
    }
    return this.mapError(error, where, slotId);
  }

  /** Runs one module call; failures become DomainErrors, with a removal check where one is due. */
  private guard<T>(fn: () => T, where: string, slotId: string | null): T {
    try {
      return fn();
    } catch (error) {
      throw this.mapError(error, where, slotId);
    }
  }

  private mapError(error: unknown, where: string, slotId: string | null): DomainError {
    if (error instanceof DomainError) return error;
    const code = pkcs11ReturnCode(error);
    const method = pkcs11Method(error);
    if (code === null) {
      return new DomainError({
        code: 'PKCS11_CALL_FAILED',
        message: `The PKCS#11 call failed (${where}): ${(error as Error)?.message ?? String(error)}.`,
        action: 'This points to a problem in Conclave or the module; note the details and report it.',
        detail: String((error as Error)?.stack ?? error),
      });
    }
    if (slotId !== null && MAYBE_REMOVED.has(code)) {
      const gone = this.removalReason(slotId);
      if (gone) return this.tokenGone(slotId, gone, where, `${describeReturnCode(code)}${method ? ` from ${method}` : ''}; `);
    }
    return domainErrorForReturnCode(code, method ? { where, method } : { where });
  }

  private tokenGone(slotId: string, reason: string, where: string, cause = ''): DomainError {
    this.sessions.delete(slotId);
    this.mechanismCache.delete(slotId);
    return new DomainError({
      code: 'TOKEN_NOT_PRESENT',
      message: `The token in slot ${slotId} is no longer reachable: ${reason}. It was probably removed or disconnected (${where}).`,
      action:
        'Reconnect the token, then load the module again ("Use module") and log in again. The ceremony state is kept; keys stored on the token are not affected.',
      detail: `${cause}slot check: ${reason}`,
    });
  }

  /** Why the token in `slotId` looks gone, or null when it still answers as the same token. */
  private removalReason(slotId: string): string | null {
    const p11 = this.p11;
    if (!p11) return null;
    const slot = this.slotHandles.get(slotId) ?? decimalToUlongBuffer(slotId, this.handleWidth);
    try {
      const info = p11.C_GetSlotInfo(slot);
      if ((info.flags & 0x1) === 0) return 'the slot reports no token';
    } catch (error) {
      const code = pkcs11ReturnCode(error);
      return `the slot does not answer (${code === null ? (error as Error).message : describeReturnCode(code)})`;
    }
    let serial: string;
    try {
      serial = p11.C_GetTokenInfo(slot).serialNumber.trim();
    } catch (error) {
      const code = pkcs11ReturnCode(error);
      return `the slot reports a token, but the token does not answer (${code === null ? (error as Error).message : describeReturnCode(code)})`;
    }
    const expected = this.sessions.get(slotId)?.serial;
    if (expected !== undefined && expected !== serial) return `a different token (serial ${serial}) is now in the slot`;
    return null;
  }
}

function attributesMismatch(what: string, token: string, mismatches: AttributeMismatch[]): DomainError {
  const list = mismatches.map((m) => `${m.attribute} is ${m.actual}, expected ${m.expected}`).join('; ');
  return new DomainError({
    code: 'KEY_ATTRIBUTES_MISMATCH',
    message: `After creating ${what}, ${token} reported attributes other than those asked for (${list}). The key was deleted again.`,
    action: 'Do not use this token for the ceremony until the vendor explains why it ignored the key template. Record this in the transcript.',
    detail: list,
  });
}

function publicKeyUnreadable(where: string, why: string): DomainError {
  return new DomainError({
    code: 'PUBLIC_KEY_UNREADABLE',
    message: `The public key could not be read (${where}): ${why}.`,
    action: 'Check that the key is an RSA, EC P-256, EC P-384 or Ed25519 key and that the token reports its public attributes.',
  });
}

function safely(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // Best-effort cleanup: the original failure is what the person needs to see.
  }
}
