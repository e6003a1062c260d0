// PKCS#11 return values → DomainErrors with a plain message, an action and the technical detail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../../native/errors';
import { domainErrorForReturnCode, pinRefusedError, pkcs11Method, pkcs11ReturnCode } from '../../../native/hsm/pkcs11-errors';
import { describeReturnCode, keyTypeName, mechanismName, returnCodeName } from '../../../native/hsm/pkcs11-names';

const where = { where: 'logging in as user to token "A" in slot 3', method: 'C_Login' };

describe('return code mapping', () => {
  const cases: Array<[number, string, RegExp]> = [
    [0xa0, 'PIN_INCORRECT', /PIN is wrong/],
    [0xa4, 'PIN_LOCKED', /locked after too many wrong attempts/],
    [0xa2, 'PIN_LEN_RANGE', /too short or too long/],
    [0xa1, 'PIN_INVALID', /characters the token does not accept/],
    [0xa3, 'PIN_EXPIRED', /expired/],
    [0x102, 'USER_PIN_NOT_SET', /no user PIN/],
    [0xe0, 'TOKEN_NOT_PRESENT', /removed or disconnected/],
    [0x32, 'TOKEN_NOT_PRESENT', /was removed/],
    [0xb3, 'SESSION_LOST', /session with the token was lost/],
    [0xb0, 'SESSION_LOST', /closed/],
    [0x70, 'MECHANISM_NOT_SUPPORTED', /does not support the mechanism/],
    [0x71, 'MECHANISM_PARAM_INVALID', /parameters/],
    [0x101, 'NOT_LOGGED_IN', /Nobody is logged in/],
    [0x100, 'ALREADY_LOGGED_IN', /already logged in/],
    [0x104, 'ANOTHER_USER_LOGGED_IN', /Another user type/],
    [0xe2, 'TOKEN_WRITE_PROTECTED', /write-protected/],
    [0x30, 'DEVICE_ERROR', /hardware or communication error/],
    [0x31, 'DEVICE_MEMORY_FULL', /no memory left/],
    [0x10, 'ATTRIBUTE_READ_ONLY', /read-only/],
    [0x11, 'ATTRIBUTE_SENSITIVE', /sensitive attribute/],
    [0x12, 'ATTRIBUTE_TYPE_INVALID', /does not know/],
    [0x13, 'ATTRIBUTE_VALUE_INVALID', /rejected one of the key attribute values/],
    [0xd0, 'TEMPLATE_INCOMPLETE', /more key attributes/],
    [0xd1, 'TEMPLATE_INCONSISTENT', /contradictory/],
    [0x60, 'KEY_NOT_FOUND', /no longer on the token/],
    [0x62, 'KEY_SIZE_RANGE', /key size/],
    [0x63, 'KEY_TYPE_INCONSISTENT', /wrong type/],
    [0x68, 'KEY_FUNCTION_NOT_PERMITTED', /role does not allow/],
    [0x69, 'KEY_NOT_WRAPPABLE', /may not be wrapped/],
    [0x6a, 'KEY_UNEXTRACTABLE', /non-extractable/],
    [0x110, 'WRAPPED_KEY_INVALID', /damaged or was wrapped under a different key/],
    [0x82, 'KEY_NOT_FOUND', /object is no longer on the token/],
    [0x3, 'SLOT_NOT_FOUND', /no such slot/],
    [0x121, 'NO_RNG', /random number generator/],
    [0x5, 'GENERAL_ERROR', /unrecoverable/],
  ];
  for (const [value, code, message] of cases) {
    it(`maps ${returnCodeName(value)} to ${code}`, () => {
      const error = domainErrorForReturnCode(value, where);
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.ok(error.message.includes(where.where), 'the message says where');
      assert.ok(error.action.length > 10, 'there is something to do');
      assert.equal(error.detail, `${describeReturnCode(value)} from C_Login`);
      assert.ok(!/CKR_/.test(error.message), 'the message is plain language; the CKR name is in the detail');
    });
  }

  it('names unknown and vendor-defined codes with their hex value', () => {
    const unknown = domainErrorForReturnCode(0x12345, { where: 'signing' });
    assert.equal(unknown.code, 'PKCS11_ERROR');
    assert.match(unknown.message, /CKR_0x00012345 \(0x00012345\)/);
    assert.equal(unknown.detail, 'CKR_0x00012345 (0x00012345)');
    const vendor = domainErrorForReturnCode(0x80000123, { where: 'signing' });
    assert.match(vendor.message, /CKR_VENDOR_DEFINED_0x80000123/);
  });

  it('names return codes, mechanisms and key types', () => {
    assert.equal(returnCodeName(0xa0), 'CKR_PIN_INCORRECT');
    assert.equal(describeReturnCode(0xa0), 'CKR_PIN_INCORRECT (0x000000A0)');
    assert.equal(mechanismName(0x210a), 'CKM_AES_KEY_WRAP_PAD');
    assert.equal(mechanismName(0x1057), 'CKM_EDDSA');
    assert.equal(mechanismName(0x1055), 'CKM_EC_EDWARDS_KEY_PAIR_GEN');
    assert.equal(mechanismName(0x1040), 'CKM_EC_KEY_PAIR_GEN');
    assert.equal(mechanismName(0x7777), 'CKM_0x00007777');
    assert.equal(mechanismName(0x80000001), 'CKM_VENDOR_DEFINED_0x80000001');
    assert.equal(keyTypeName(0x40), 'CKK_EC_EDWARDS');
  });
});

describe('refused PINs', () => {
  it('tells plainly how the token stands after a wrong PIN', () => {
    assert.equal(pinRefusedError('user', null, where).code, 'PIN_INCORRECT');
    assert.equal(pinRefusedError('user', { countLow: false, finalTry: false, locked: false }, where).code, 'PIN_INCORRECT');
    const low = pinRefusedError('user', { countLow: true, finalTry: false, locked: false }, where);
    assert.equal(low.code, 'PIN_INCORRECT_COUNT_LOW');
    assert.match(low.message, /few tries are left/);
    const last = pinRefusedError('user', { countLow: true, finalTry: true, locked: false }, where);
    assert.equal(last.code, 'PIN_INCORRECT_FINAL_TRY');
    assert.match(last.message, /Only one try is left/);
    const locked = pinRefusedError('so', { countLow: true, finalTry: true, locked: true }, where);
    assert.equal(locked.code, 'PIN_LOCKED');
    assert.match(locked.message, /security officer \(SO\) PIN was wrong, and the token has now locked it/);
    assert.match(locked.action, /re-initialized, which erases its keys/);
    for (const e of [low, last, locked]) assert.equal(e.detail, 'CKR_PIN_INCORRECT (0x000000A0) from C_Login');
  });
});

describe('reading pkcs11js errors', () => {
  it('takes the code and method from a Pkcs11Error', () => {
    const e = Object.assign(new Error('CKR_PIN_INCORRECT'), { name: 'Pkcs11Error', code: 160, method: 'C_Login' });
    assert.equal(pkcs11ReturnCode(e), 160);
    assert.equal(pkcs11Method(e), 'C_Login');
  });

  it('reads "CKR_NAME:code" messages and ignores errors that are not from the module', () => {
    assert.equal(pkcs11ReturnCode(new Error('CKR_DEVICE_ERROR:48\n    at PKCS11.C_Sign')), 48);
    assert.equal(pkcs11ReturnCode(new TypeError('Argument 0 has wrong type')), null);
    assert.equal(pkcs11ReturnCode('not an error'), null);
    assert.equal(pkcs11Method({}), undefined);
  });
});
