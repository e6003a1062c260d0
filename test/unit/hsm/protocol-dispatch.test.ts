// The worker's request handling: malformed requests are refused with BAD_REQUEST, every
// PIN is overwritten afterwards whatever happened, and answers have the protocol's shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatch, toWireError } from '../../../native/hsm/dispatcher';
import { Pkcs11Backend } from '../../../native/hsm/pkcs11-backend';
import { DomainError } from '../../../native/errors';
import { parseResponse } from '../../../native/hsm/protocol';

// No module is ever loaded here: every valid request ends in MODULE_NOT_LOADED.
const backend = new Pkcs11Backend(() => {
  throw new Error('no module in unit tests');
});

describe('worker dispatch', () => {
  it('refuses malformed requests', () => {
    assert.equal(dispatch(backend, null).response.id, -1);
    const noOp = dispatch(backend, { id: 1, op: 'formatDisk', args: {} }).response;
    assert.equal(noOp.ok, false);
    assert.ok(!noOp.ok && noOp.error.code === 'BAD_REQUEST' && /unknown op "formatDisk"/.test(noOp.error.message));
    const badArgs = dispatch(backend, { id: 2, op: 'login', args: { slotId: '1', userType: 'user', pin: '1234' } }).response;
    assert.ok(!badArgs.ok && badArgs.error.code === 'BAD_REQUEST' && /"pin" must be a Uint8Array/.test(badArgs.error.message));
    const badEnum = dispatch(backend, { id: 3, op: 'generateKey', args: { slotId: '1', type: 'dsa-1024', label: 'k', role: 'sign' } }).response;
    assert.ok(!badEnum.ok && /"type" must be one of aes-256/.test(badEnum.error.message));
  });

  it('overwrites PINs even when the call fails', () => {
    const pin = new TextEncoder().encode('123456');
    const soPin = new TextEncoder().encode('654321');
    const out = dispatch(backend, { id: 4, op: 'initUserPin', args: { slotId: '1', soPin, userPin: pin } }).response;
    assert.ok(!out.ok && out.error.code === 'MODULE_NOT_LOADED');
    assert.ok(pin.every((b) => b === 0) && soPin.every((b) => b === 0));
  });

  it('answers ping and shutdown', () => {
    const ping = dispatch(backend, { id: 5, op: 'ping', args: {} });
    assert.deepEqual(ping.response, { id: 5, ok: true, result: { pid: process.pid, instance: backend.instance } });
    assert.equal(dispatch(backend, { id: 6, op: 'shutdown', args: {} }).exit, true);
  });

  it('carries DomainErrors whole and wraps anything else', () => {
    assert.deepEqual(toWireError(new DomainError({ code: 'X', message: 'm', action: 'a', detail: 'd' })), { code: 'X', message: 'm', action: 'a', detail: 'd' });
    assert.equal(toWireError(new Error('boom')).code, 'WORKER_INTERNAL_ERROR');
  });
});

describe('response parsing', () => {
  it('accepts well-formed answers and rejects the rest', () => {
    assert.deepEqual(parseResponse({ id: 1, ok: true, result: [1] }), { id: 1, ok: true, result: [1] });
    assert.deepEqual(parseResponse({ id: 2, ok: false, error: { code: 'C', message: 'M', action: 'A' } }), { id: 2, ok: false, error: { code: 'C', message: 'M', action: 'A' } });
    assert.equal(parseResponse({ id: '1', ok: true }), null);
    assert.equal(parseResponse({ id: 3, ok: false, error: { code: 'C' } }), null);
    assert.equal(parseResponse(null), null);
  });
});
