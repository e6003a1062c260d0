import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter, type Router, type RouterOptions, type SenderInfo } from '../../../main/ipc/router';
import { handlersFor } from '../../../main/ipc/handlers';
import { DomainError } from '../../../native/errors';
import { ErrorValueSchema, ipcChannel, type ErrorValue, type Result } from '../../../preload/contract';
import { FakeStatusService, snapshot } from './fake-status-service';

const ORIGIN = 'app://conclave';
const window: SenderInfo = { origin: ORIGIN, isMainFrame: true, url: `${ORIGIN}/index.html` };

function setup(options: Partial<RouterOptions> = {}) {
  const service = new FakeStatusService();
  const internalErrors: unknown[] = [];
  const router: Router = createRouter(handlersFor(service), {
    allowedOrigins: [ORIGIN],
    onInternalError: (r) => internalErrors.push(r),
    ...options,
  });
  return { service, router, internalErrors };
}

function expectError(result: Result<unknown>, code: string): ErrorValue {
  assert.equal(result.ok, false, `expected a ${code} failure, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.code, code);
  // Every error the renderer receives fits the contract's ErrorValue schema.
  ErrorValueSchema.parse(result.error);
  assert.ok(result.error.action.length > 0, 'every error says what to do');
  return result.error;
}

describe('IPC router: sender checks', () => {
  it('serves the app origin main frame', async () => {
    const { router, service } = setup();
    const result = await router.handle(window, ipcChannel('getStatus'), {});
    assert.deepEqual(result, { ok: true, value: snapshot });
    assert.deepEqual(service.calls, [{ method: 'getStatus', args: [] }]);
  });

  it('refuses a foreign origin without calling the service', async () => {
    const { router, service } = setup();
    for (const origin of ['https://evil.example', 'file://', 'null', '', 'app://conclave.evil', 'APP://CONCLAVE']) {
      const error = expectError(await router.handle({ origin, isMainFrame: true }, ipcChannel('getStatus'), {}), 'SENDER_REJECTED');
      assert.match(error.message, /not the Conclave window/);
    }
    assert.equal(service.calls.length, 0);
  });

  it('refuses a subframe of the app origin', async () => {
    const { router, service } = setup();
    const error = expectError(await router.handle({ ...window, isMainFrame: false }, ipcChannel('getStatus'), {}), 'SENDER_REJECTED');
    assert.match(error.message, /embedded frame/);
    assert.equal(service.calls.length, 0);
  });

  it('refuses a sender whose URL lies outside its claimed origin', async () => {
    const { router } = setup();
    expectError(await router.handle({ ...window, url: 'https://evil.example/' }, ipcChannel('getStatus'), {}), 'SENDER_REJECTED');
    expectError(await router.handle({ ...window, url: 'app://conclave.evil/index.html' }, ipcChannel('getStatus'), {}), 'SENDER_REJECTED');
  });

  it('refuses a sender it cannot identify', async () => {
    const { router } = setup();
    expectError(await router.handle(null as unknown as SenderInfo, ipcChannel('getStatus'), {}), 'SENDER_REJECTED');
    expectError(await router.handle({ origin: ORIGIN } as unknown as SenderInfo, ipcChannel('getStatus'), {}), 'SENDER_REJECTED');
  });

  it('needs at least one allowed origin', () => {
    assert.throws(() => createRouter(handlersFor(new FakeStatusService()), { allowedOrigins: [] }), /allowed origin/);
  });
});

describe('IPC router: channels', () => {
  it('refuses channels that are not in the contract', async () => {
    const { router, service } = setup();
    for (const channel of ['conclave:deleteEverything', 'getStatus', 'conclave:', 'conclave:__proto__', 'conclave:toString', 'conclave:hasOwnProperty', 'other:getStatus']) {
      expectError(await router.handle(window, channel, {}), 'UNKNOWN_CHANNEL');
    }
    expectError(await router.handle(window, 42 as unknown as string, {}), 'UNKNOWN_CHANNEL');
    assert.equal(service.calls.length, 0);
  });

  it('does not echo an unprintable channel name', async () => {
    const { router } = setup();
    const error = expectError(await router.handle(window, 'conclave:<script>alert(1)</script>', {}), 'UNKNOWN_CHANNEL');
    assert.doesNotMatch(error.message, /script/);
  });
});

describe('IPC router: request validation', () => {
  it('passes a valid request to the service', async () => {
    const { router, service } = setup();
    const result = await router.handle(window, ipcChannel('useModule'), { path: '/usr/lib/softhsm/libsofthsm2.so' });
    assert.equal(result.ok, true);
    assert.deepEqual(service.calls, [{ method: 'useModule', args: ['/usr/lib/softhsm/libsofthsm2.so'] }]);
    const mechanisms = await router.handle(window, ipcChannel('getMechanisms'), { slotId: '18446744073709551615' });
    assert.deepEqual(mechanisms, { ok: true, value: [{ name: 'CKM_AES_KEY_WRAP_PAD', value: 0x210a }] });
    assert.deepEqual(service.calls[1], { method: 'getMechanisms', args: ['18446744073709551615'] });
  });

  it('refuses an extra field, naming it but never echoing its value', async () => {
    const { router, service } = setup();
    const secret = 'correct-horse-battery-staple';
    const error = expectError(await router.handle(window, ipcChannel('useModule'), { path: '/x.so', pin: secret }), 'BAD_REQUEST');
    assert.match(error.message, /useModule/);
    assert.match(error.message, /does not allow: pin/);
    assert.ok(!JSON.stringify(error).includes(secret), 'the payload value is not echoed');
    expectError(await router.handle(window, ipcChannel('getStatus'), { extra: true }), 'BAD_REQUEST');
    assert.equal(service.calls.length, 0);
  });

  it('refuses a field of the wrong type, naming the path and the expected type', async () => {
    const { router, service } = setup();
    const error = expectError(await router.handle(window, ipcChannel('useModule'), { path: 4242 }), 'BAD_REQUEST');
    assert.match(error.message, /request\.path must be a string, not a number/);
    assert.ok(!error.message.includes('4242'));
    assert.equal(service.calls.length, 0);
  });

  it('refuses a missing field', async () => {
    const { router } = setup();
    const error = expectError(await router.handle(window, ipcChannel('useModule'), {}), 'BAD_REQUEST');
    assert.match(error.message, /request\.path is missing \(expected string\)/);
  });

  it('refuses a payload that is not an object', async () => {
    const { router } = setup();
    for (const payload of [null, undefined, 'getStatus', 7, ['a']]) {
      const error = expectError(await router.handle(window, ipcChannel('getStatus'), payload), 'BAD_REQUEST');
      assert.match(error.message, /request must be an object/);
    }
  });

  it('refuses a malformed value without quoting it', async () => {
    const { router, service } = setup();
    const secret = '12345; PIN=99887766';
    const error = expectError(await router.handle(window, ipcChannel('getMechanisms'), { slotId: secret }), 'BAD_REQUEST');
    assert.match(error.message, /request\.slotId has the wrong format/);
    assert.ok(!error.message.includes('99887766'));
    const tooLong = expectError(await router.handle(window, ipcChannel('useModule'), { path: 'a'.repeat(5000) }), 'BAD_REQUEST');
    assert.match(tooLong.message, /at most 4096 characters/);
    assert.equal(service.calls.length, 0);
  });

  it('does not print a field name that could itself be data', async () => {
    const { router } = setup();
    const error = expectError(await router.handle(window, ipcChannel('getStatus'), { 'my passphrase is hunter2': 1 }), 'BAD_REQUEST');
    assert.ok(!error.message.includes('hunter2'));
    assert.match(error.message, /unprintable field name/);
  });
});

describe('IPC router: handler failures', () => {
  it('turns a DomainError into an error value, without its technical detail', async () => {
    const { router, service, internalErrors } = setup();
    service.throwNext = new DomainError({
      code: 'TOKEN_NOT_PRESENT',
      message: 'No token is present in slot 3.',
      action: 'Insert the HSM and press Refresh.',
      detail: 'CKR_TOKEN_NOT_PRESENT',
    });
    const result = await router.handle(window, ipcChannel('refreshTokens'), {});
    assert.deepEqual(result, {
      ok: false,
      error: { code: 'TOKEN_NOT_PRESENT', message: 'No token is present in slot 3.', action: 'Insert the HSM and press Refresh.' },
    });
    assert.equal(internalErrors.length, 0);
  });

  it('keeps an over-long DomainError within the contract limits', async () => {
    const { router, service } = setup();
    service.throwNext = new DomainError({ code: 'X'.repeat(100), message: 'm'.repeat(5000), action: 'a'.repeat(5000) });
    const error = expectError(await router.handle(window, ipcChannel('checkRoom'), {}), 'X'.repeat(63) + '…');
    assert.equal(error.message.length, 2000);
  });

  it('hides any other exception behind a generic INTERNAL error', async () => {
    const { router, service, internalErrors } = setup();
    const thrown = new Error('login failed for PIN 654321 at /home/alice/.secret');
    service.throwNext = thrown;
    const error = expectError(await router.handle(window, ipcChannel('getStatus'), {}), 'INTERNAL');
    const text = JSON.stringify(error);
    for (const leaked of ['654321', 'alice', 'secret', 'Error:', 'at ']) assert.ok(!text.includes(leaked), `"${leaked}" leaked`);
    assert.deepEqual(internalErrors, [{ channel: 'getStatus', kind: 'handler-threw', error: thrown }]);

    service.throwNext = 'a thrown string';
    expectError(await router.handle(window, ipcChannel('listModuleCandidates'), {}), 'INTERNAL');
  });
});

describe('IPC router: response validation', () => {
  it('turns a response that breaks its schema into INTERNAL', async () => {
    const { router, service, internalErrors } = setup({ validateResponses: true });
    service.statusOverride = { ...snapshot, privateKey: 'do-not-send' };
    const error = expectError(await router.handle(window, ipcChannel('getStatus'), {}), 'INTERNAL');
    assert.ok(!JSON.stringify(error).includes('do-not-send'));
    assert.equal(internalErrors.length, 1);
    assert.match(String((internalErrors[0] as { error: Error }).error.message), /response has field\(s\) the contract does not allow: privateKey/);

    service.statusOverride = { ...snapshot, tokens: 'none' };
    expectError(await router.handle(window, ipcChannel('getStatus'), {}), 'INTERNAL');
  });

  it('validates responses by default outside production builds', async () => {
    const { router, service } = setup();
    service.mechanismList = [{ name: 'CKM_BROKEN', value: -1 }];
    expectError(await router.handle(window, ipcChannel('getMechanisms'), { slotId: '0' }), 'INTERNAL');
  });

  it('passes responses through unchecked when response validation is off', async () => {
    const { router, service } = setup({ validateResponses: false });
    service.mechanismList = [{ name: 'CKM_BROKEN', value: -1 }];
    assert.deepEqual(await router.handle(window, ipcChannel('getMechanisms'), { slotId: '0' }), {
      ok: true,
      value: [{ name: 'CKM_BROKEN', value: -1 }],
    });
  });
});
