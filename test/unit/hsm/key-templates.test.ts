// Key templates per type and role, and the read-back comparison.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareAttributes, decodeUlong, keyGenerationPlan, unwrapTemplate, type TemplateAttribute } from '../../../native/hsm/key-templates';
import { KEY_ROLES, KEY_SPEC_TYPES } from '../../../native/hsm/protocol';

const label = new TextEncoder().encode('k');
const id = Uint8Array.of(1, 2);
const valueOf = (template: TemplateAttribute[] | null, name: string) => template?.find((a) => a.name === name)?.value;

describe('key generation templates', () => {
  it('keeps every private and secret key token, private, sensitive and non-extractable outside wrap-only-export', () => {
    for (const type of KEY_SPEC_TYPES) {
      for (const role of KEY_ROLES) {
        let plan;
        try {
          plan = keyGenerationPlan(type, role, label, id);
        } catch (error) {
          assert.equal((error as { code: string }).code, 'KEY_ROLE_UNSUPPORTED');
          continue;
        }
        const protectedPart = plan.secret ?? plan.privateKey;
        assert.equal(valueOf(protectedPart, 'CKA_TOKEN'), true, `${type}/${role}`);
        assert.equal(valueOf(protectedPart, 'CKA_PRIVATE'), true);
        assert.equal(valueOf(protectedPart, 'CKA_SENSITIVE'), true);
        assert.equal(valueOf(protectedPart, 'CKA_EXTRACTABLE'), role === 'wrap-only-export');
        const expect = plan.expectSecret ?? plan.expectPrivate;
        assert.equal(valueOf(expect, 'CKA_ALWAYS_SENSITIVE'), true);
        assert.equal(valueOf(expect, 'CKA_NEVER_EXTRACTABLE'), role !== 'wrap-only-export');
        assert.equal(valueOf(expect, 'CKA_LOCAL'), true);
        if (role === 'wrap-only-export') {
          for (const usage of ['CKA_SIGN', 'CKA_DECRYPT', 'CKA_UNWRAP', 'CKA_DERIVE']) assert.equal(valueOf(protectedPart, usage), false, usage);
        }
        if (plan.publicKey) assert.equal(valueOf(plan.publicKey, 'CKA_PRIVATE'), false);
      }
    }
  });

  it('gives each role its usages and nothing else', () => {
    const aes = keyGenerationPlan('aes-256', 'wrap', label, id).secret;
    assert.deepEqual(
      ['CKA_WRAP', 'CKA_UNWRAP', 'CKA_ENCRYPT', 'CKA_DECRYPT', 'CKA_SIGN', 'CKA_VERIFY', 'CKA_DERIVE'].map((n) => valueOf(aes, n)),
      [true, true, false, false, false, false, false],
    );
    assert.equal(valueOf(aes, 'CKA_VALUE_LEN'), 32);
    const rsa = keyGenerationPlan('rsa-4096', 'wrap', label, id);
    assert.equal(valueOf(rsa.privateKey, 'CKA_UNWRAP'), true);
    assert.equal(valueOf(rsa.privateKey, 'CKA_DECRYPT'), false);
    assert.equal(valueOf(rsa.publicKey, 'CKA_WRAP'), true);
    assert.equal(valueOf(rsa.publicKey, 'CKA_MODULUS_BITS'), 4096);
    const ed = keyGenerationPlan('ed25519', 'sign', label, id);
    assert.equal(ed.mechanism, 0x1055);
    assert.deepEqual(valueOf(ed.publicKey, 'CKA_EC_PARAMS'), Uint8Array.of(0x06, 0x03, 0x2b, 0x65, 0x70));
    assert.equal(valueOf(ed.privateKey, 'CKA_KEY_TYPE'), 0x40);
  });

  it('refuses roles a key family cannot have', () => {
    for (const [type, role] of [['ec-p256', 'wrap'], ['ec-p384', 'encrypt'], ['ed25519', 'wrap']] as const) {
      assert.throws(() => keyGenerationPlan(type, role, label, id), { code: 'KEY_ROLE_UNSUPPORTED' });
    }
    assert.throws(() => unwrapTemplate({ class: 'private', keyType: 'ec' }, 'encrypt', label, id), { code: 'KEY_ROLE_UNSUPPORTED' });
  });

  it('makes unwrapped keys sensitive and non-extractable', () => {
    const template = unwrapTemplate({ class: 'secret', keyType: 'aes' }, 'encrypt', label, id);
    assert.equal(valueOf(template, 'CKA_SENSITIVE'), true);
    assert.equal(valueOf(template, 'CKA_EXTRACTABLE'), false);
    assert.equal(valueOf(template, 'CKA_ENCRYPT'), true);
    assert.equal(valueOf(unwrapTemplate({ class: 'private', keyType: 'rsa' }, 'wrap-only-export', label, id), 'CKA_EXTRACTABLE'), true);
  });
});

describe('read-back comparison', () => {
  const expected: TemplateAttribute[] = [
    { type: 0x103, name: 'CKA_SENSITIVE', value: true },
    { type: 0x161, name: 'CKA_VALUE_LEN', value: 32 },
    { type: 0x102, name: 'CKA_ID', value: Uint8Array.of(1, 2) },
  ];
  const ulong = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    return b;
  };

  it('accepts what matches and names what does not', () => {
    const good = new Map<number, Uint8Array | null>([
      [0x103, Uint8Array.of(1)],
      [0x161, ulong(32)],
      [0x102, Uint8Array.of(1, 2)],
    ]);
    assert.deepEqual(compareAttributes(expected, good), []);
    const bad = new Map<number, Uint8Array | null>([
      [0x103, Uint8Array.of(0)],
      [0x161, ulong(16)],
      [0x102, null],
    ]);
    assert.deepEqual(compareAttributes(expected, bad), [
      { attribute: 'CKA_SENSITIVE', expected: 'true', actual: 'false' },
      { attribute: 'CKA_VALUE_LEN', expected: '32', actual: '16' },
      { attribute: 'CKA_ID', expected: '0102', actual: 'absent' },
    ]);
  });

  it('decodes CK_ULONG in 4- and 8-byte form', () => {
    assert.equal(decodeUlong(ulong(4096)), 4096);
    assert.equal(decodeUlong(Uint8Array.of(0x00, 0x10, 0, 0)), 4096);
    assert.equal(decodeUlong(Uint8Array.of(1, 2, 3)), null);
    assert.equal(decodeUlong(new Uint8Array(8).fill(0xff)), null);
  });
});
