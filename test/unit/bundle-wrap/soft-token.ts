// A software stand-in for the slice of the HSM client the wrap code uses, for unit tests
// of the decisions around the token: which hash, which KDF, which branch of the AWS KMS
// profile. It behaves like a token whose abilities the test chooses (RSA-OAEP with
// SHA-256 or not, CKD_SHA256_KDF or not, RFC 5649 or SoftHSM2's zero padding), so the
// branches SoftHSM2 2.6 cannot reach are exercised too. The SoftHSM2 integration tests
// (test/integration/bundle-wrap) cover the same code against a real module.
import { constants, createECDH, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { aeskwp } from '@noble/ciphers/aes.js';
import { DomainError } from '../../../native/errors';
import { CHECK_VALUE_TEST_KEY } from '../../../native/hsm/wrap-templates';
import { CKM_AES_KEY_GEN, CKM_AES_KEY_WRAP_PAD, CKM_ECDH1_DERIVE, CKM_EC_KEY_PAIR_GEN, CKM_RSA_PKCS_OAEP } from '../../../native/hsm/pkcs11-constants';
import type { KeyAttributes, KeyInfo, KeySpecType, MechanismFacts, ObjectSummary } from '../../../native/hsm/protocol';
import type { WrapHsm } from '../../../main/bundle/wrap';

export interface SoftTokenAbilities {
  oaepSha256: boolean;
  kdfSha256: boolean;
  /** SoftHSM2 2.6: pads keys to a multiple of 8 with zeros before RFC 5649. */
  kwpZeroPads: boolean;
  /** A token whose key wrap with padding is not RFC 5649 at all. */
  kwpBroken: boolean;
  /** A token that ignores CKA_EXTRACTABLE false on unwrap (to test the read-back). */
  ignoresExtractableOnUnwrap: boolean;
  mechanisms: number[];
}

interface Obj {
  attributes: KeyAttributes;
  value?: Uint8Array;
  rsaPrivate?: KeyObject;
  rsaPublic?: KeyObject;
  ecdh?: ReturnType<typeof createECDH>;
  spki?: Uint8Array;
}

const fail = (code: string, message = code) => new DomainError({ code, message, action: 'test' });
const NODE_CURVE = { 'ec-p256': 'prime256v1', 'ec-p384': 'secp384r1' } as const;

function attrs(partial: Partial<KeyAttributes>): KeyAttributes {
  return {
    class: 'secret', keyType: 'aes', label: '', id: '', token: false, private: true, modifiable: true, sensitive: true, extractable: false,
    alwaysSensitive: null, neverExtractable: null, local: null, encrypt: false, decrypt: false, sign: false, verify: false, wrap: false,
    unwrap: false, derive: false, valueLength: null, modulusBits: null, publicExponent: null, curve: null, ...partial,
  };
}

function spkiOfEcdh(ecdh: ReturnType<typeof createECDH>, curve: 'ec-p256' | 'ec-p384'): Uint8Array {
  const p = ecdh.getPublicKey();
  const n = (p.length - 1) / 2;
  const jwk = { kty: 'EC', crv: curve === 'ec-p256' ? 'P-256' : 'P-384', x: p.subarray(1, 1 + n).toString('base64url'), y: p.subarray(1 + n).toString('base64url') };
  return new Uint8Array(createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }));
}

function curveOfPkcs8(value: Uint8Array): 'ec-p256' | 'ec-p384' | null {
  const curve = createPrivateKey({ key: Buffer.from(value), format: 'der', type: 'pkcs8' }).asymmetricKeyDetails?.namedCurve;
  return curve === 'prime256v1' ? 'ec-p256' : curve === 'secp384r1' ? 'ec-p384' : null;
}

export class SoftToken implements WrapHsm {
  readonly objects = new Map<string, Obj>();
  readonly calls: string[] = [];
  private next = 0;
  readonly abilities: SoftTokenAbilities;

  constructor(readonly slotId: string, abilities: Partial<SoftTokenAbilities> = {}) {
    this.abilities = {
      oaepSha256: true,
      kdfSha256: true,
      kwpZeroPads: false,
      kwpBroken: false,
      ignoresExtractableOnUnwrap: false,
      mechanisms: [CKM_RSA_PKCS_OAEP, CKM_AES_KEY_GEN, CKM_AES_KEY_WRAP_PAD, CKM_EC_KEY_PAIR_GEN, CKM_ECDH1_DERIVE],
      ...abilities,
    };
  }

  private add(obj: Obj): KeyInfo {
    const handle = `soft.${this.slotId}.${++this.next}`;
    this.objects.set(handle, obj);
    return { handle, slotId: this.slotId, attributes: obj.attributes };
  }

  private get(handle: string): Obj {
    const obj = this.objects.get(handle);
    if (!obj) throw fail('KEY_NOT_FOUND');
    return obj;
  }

  private kwp(kek: Uint8Array, value: Uint8Array): Uint8Array {
    const padded = this.abilities.kwpZeroPads && value.length % 8 !== 0 ? Uint8Array.from([...value, ...new Uint8Array(8 - (value.length % 8))]) : value;
    const out = aeskwp(kek).encrypt(padded);
    if (this.abilities.kwpBroken) out[0]! ^= 1;
    return out;
  }

  /** Test helper: a key on the token, as the ceremony would have generated it. */
  generate(type: KeySpecType, label: string, role: 'wrap-only-export' | 'wrap' | 'derive'): KeyInfo {
    const extractable = role === 'wrap-only-export';
    if (type === 'aes-256') return this.add({ value: new Uint8Array(randomBytes(32)), attributes: attrs({ label, token: true, extractable, wrap: role === 'wrap', unwrap: role === 'wrap', valueLength: 32 }) });
    if (type === 'ec-p256' || type === 'ec-p384') {
      const ecdh = createECDH(NODE_CURVE[type]);
      ecdh.generateKeys();
      const half = (ecdh.getPublicKey().length - 1) / 2;
      const jwk = {
        kty: 'EC',
        crv: type === 'ec-p256' ? 'P-256' : 'P-384',
        d: ecdh.getPrivateKey().toString('base64url'),
        x: ecdh.getPublicKey().subarray(1, 1 + half).toString('base64url'),
        y: ecdh.getPublicKey().subarray(1 + half).toString('base64url'),
      };
      const pkcs8 = createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'der' });
      return this.add({ ecdh, spki: spkiOfEcdh(ecdh, type), value: new Uint8Array(pkcs8), attributes: attrs({ class: 'private', keyType: 'ec', curve: type, label, token: true, extractable, derive: role === 'derive' }) });
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: type === 'rsa-3072' ? 3072 : 4096 });
    return this.add({
      rsaPrivate: privateKey,
      rsaPublic: publicKey,
      spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
      value: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
      attributes: attrs({ class: 'private', keyType: 'rsa', modulusBits: type === 'rsa-3072' ? 3072 : 4096, label, token: true, extractable, unwrap: role === 'wrap' }),
    });
  }

  /** Test helper: the value behind a handle (the test's oracle, never the code under test's). */
  valueOf(handle: string): Uint8Array {
    return this.get(handle).value as Uint8Array;
  }

  publicSpki(handle: string): Uint8Array {
    return this.get(handle).spki as Uint8Array;
  }

  async mechanismDetails(): Promise<MechanismFacts[]> {
    return this.abilities.mechanisms.map((value) => ({ name: `CKM_${value}`, value, minKeySize: null, maxKeySize: null, flags: [] }));
  }

  async keyAttributes(handle: string): Promise<KeyInfo> {
    return { handle, slotId: this.slotId, attributes: this.get(handle).attributes };
  }

  async findObjects(q: { slotId: string; label?: string; class?: string }): Promise<ObjectSummary[]> {
    return [...this.objects.entries()]
      .filter(([, o]) => (q.label === undefined || o.attributes.label === q.label) && (q.class === undefined || o.attributes.class === q.class))
      .map(([handle, o]) => ({ handle, slotId: this.slotId, class: o.attributes.class, keyType: o.attributes.keyType, label: o.attributes.label, id: o.attributes.id }));
  }

  async exportPublicKey(handle: string) {
    const spki = this.get(handle).spki;
    if (!spki) throw fail('PUBLIC_KEY_NOT_FOUND');
    return { algorithm: 'rsa' as const, bits: 0, spki, pem: '', handle };
  }

  async destroyObject(handle: string): Promise<void> {
    this.calls.push(`destroy ${handle}`);
    this.objects.delete(handle);
  }

  async generateRandom(_slotId: string, length: number): Promise<Uint8Array> {
    return new Uint8Array(randomBytes(length));
  }

  async wrapKey(r: { wrappingKey: string; key: string; mechanism: string }): Promise<Uint8Array> {
    this.calls.push(`wrap ${r.mechanism}`);
    const wrapping = this.get(r.wrappingKey);
    const key = this.get(r.key);
    if (!key.attributes.extractable) throw fail('KEY_UNEXTRACTABLE');
    const value = key.value as Uint8Array;
    if (r.mechanism === 'aes-key-wrap-pad') return this.kwp(wrapping.value as Uint8Array, value);
    if (r.mechanism === 'rsa-oaep-sha256' && !this.abilities.oaepSha256) throw fail('MECHANISM_PARAM_UNSUPPORTED');
    return new Uint8Array(publicEncrypt({ key: wrapping.rsaPublic as KeyObject, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: r.mechanism === 'rsa-oaep-sha256' ? 'sha256' : 'sha1' }, value));
  }

  async unwrapKey(r: { unwrappingKey: string; wrapped: Uint8Array; mechanism: string; target: { class: string; keyType: string }; label: string; role: string; sessionOnly?: boolean }): Promise<KeyInfo> {
    this.calls.push(`unwrap ${r.mechanism}`);
    if ([...this.objects.values()].some((o) => o.attributes.label === r.label)) throw fail('LABEL_EXISTS');
    const unwrapping = this.get(r.unwrappingKey);
    let value: Uint8Array;
    try {
      if (r.mechanism === 'aes-key-wrap-pad') value = aeskwp(unwrapping.value as Uint8Array).decrypt(r.wrapped);
      else {
        if (r.mechanism === 'rsa-oaep-sha256' && !this.abilities.oaepSha256) throw fail('MECHANISM_PARAM_UNSUPPORTED');
        value = new Uint8Array(privateDecrypt({ key: unwrapping.rsaPrivate as KeyObject, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: r.mechanism === 'rsa-oaep-sha256' ? 'sha256' : 'sha1' }, r.wrapped));
      }
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw fail('WRAPPED_KEY_INVALID');
    }
    const extractable = r.role === 'wrap-only-export' || this.abilities.ignoresExtractableOnUnwrap;
    return this.add({
      value,
      attributes: attrs({
        class: r.target.class as KeyAttributes['class'],
        keyType: r.target.keyType as KeyAttributes['keyType'],
        label: r.label,
        token: !r.sessionOnly,
        extractable,
        wrap: r.role === 'wrap',
        unwrap: r.role === 'wrap',
        sign: r.role === 'sign',
        curve: r.target.keyType === 'ec' ? curveOfPkcs8(value) : null,
      }),
    });
  }

  async importSessionWrapKey(r: { slotId: string; value: Uint8Array; label: string }): Promise<KeyInfo> {
    const info = this.add({ value: r.value.slice(), attributes: attrs({ label: r.label, wrap: true, unwrap: true }) });
    r.value.fill(0);
    return info;
  }

  async importWrappingPublicKey(_slotId: string, spki: Uint8Array): Promise<KeyInfo> {
    this.calls.push('import public key');
    return this.add({ rsaPublic: createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }), attributes: attrs({ class: 'public', keyType: 'rsa', wrap: true }) });
  }

  async generateEphemeralWrapKey(): Promise<KeyInfo> {
    this.calls.push('ephemeral AES key');
    return this.add({ value: new Uint8Array(randomBytes(32)), attributes: attrs({ extractable: true, wrap: true }) });
  }

  async generateEcdhKeyPair(_slotId: string, curve: 'ec-p256' | 'ec-p384') {
    const ecdh = createECDH(NODE_CURVE[curve]);
    ecdh.generateKeys();
    const spki = spkiOfEcdh(ecdh, curve);
    const privateKey = this.add({ ecdh, attributes: attrs({ class: 'private', keyType: 'ec', curve, derive: true }) });
    const publicKey = this.add({ spki, attributes: attrs({ class: 'public', keyType: 'ec', curve }) });
    return { privateKey, publicKey, spki };
  }

  async deriveEcdhKey(r: { baseKey: string; peerSpki: Uint8Array; kdf: 'null' | 'sha256'; target: { store: 'session' | 'token'; use?: string; label?: string } }): Promise<KeyInfo> {
    this.calls.push(`derive ${r.kdf}`);
    if (r.kdf === 'sha256' && !this.abilities.kdfSha256) throw fail('MECHANISM_PARAM_UNSUPPORTED');
    const base = this.get(r.baseKey);
    const jwk = createPublicKey({ key: Buffer.from(r.peerSpki), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x as string, 'base64url'), Buffer.from(jwk.y as string, 'base64url')]);
    const z = (base.ecdh as ReturnType<typeof createECDH>).computeSecret(point);
    const value = r.kdf === 'sha256' ? createHash('sha256').update(Buffer.concat([z, Buffer.from('00000001', 'hex')])).digest() : z.subarray(z.length - 32);
    return this.add({ value: new Uint8Array(value), attributes: attrs({ label: r.target.label ?? '', token: r.target.store === 'token', wrap: r.target.use !== 'unwrap', unwrap: r.target.use !== 'wrap' }) });
  }

  async keyCheckValue(handle: string) {
    const digest = createHash('sha256').update(aeskwp(this.get(handle).value as Uint8Array).encrypt(CHECK_VALUE_TEST_KEY)).digest();
    return { method: 'aes-kwp-sha256' as const, value: digest.subarray(0, 8).toString('hex') };
  }
}
