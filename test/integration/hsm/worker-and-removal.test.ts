// The worker process dying or hanging, and the token disappearing mid-operation.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { HsmClientEvent } from '../../../main/hsm/hsm-client';
import { clientFor, makeSoftHsm, pin, rejectsWithCode, withToken } from '../../helpers/softhsm';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('token removed mid-operation', () => {
  // What SoftHSM2 2.6 does when its token directory vanishes under an open, logged-in
  // session: the slot still reports a token present, C_GetTokenInfo fails with
  // CKR_GENERAL_ERROR, operations on existing keys fail with CKR_OBJECT_HANDLE_INVALID or
  // CKR_GENERAL_ERROR, and C_GenerateRandom still works. It never says
  // CKR_DEVICE_REMOVED or CKR_TOKEN_NOT_PRESENT. The adapter checks the slot after such
  // failures and reports TOKEN_NOT_PRESENT.
  it('reports TOKEN_NOT_PRESENT when the token directory disappears under an open session', async (t) => {
    const fx = await withToken(t, { login: true });
    const key = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'in-use', role: 'sign' });
    const [tokenDir] = readdirSync(fx.tokenDirectory);
    assert.ok(tokenDir);
    renameSync(join(fx.tokenDirectory, tokenDir), join(fx.directory, 'pulled-out'));

    const error = await rejectsWithCode(
      fx.client.sign({ key: key.privateKey!.handle, mechanism: 'ecdsa-sha256', data: new Uint8Array(16) }),
      'TOKEN_NOT_PRESENT',
    );
    assert.match(error.message, /no longer reachable/);
    assert.match(error.message, /removed or disconnected/);
    assert.match(error.action, /Reconnect the token/);
    assert.match(error.detail ?? '', /slot check: the slot reports a token, but the token does not answer \(CKR_GENERAL_ERROR/);

    await rejectsWithCode(fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'after', role: 'wrap' }), 'TOKEN_NOT_PRESENT');

    const listed = (await fx.client.listTokens()).find((x) => x.slotId === fx.slotId);
    assert.equal(listed?.state, 'absent');
    assert.equal(listed?.token, null);
    assert.match(listed?.stateDetail ?? '', /does not answer/);
  });

  it('finds the token again after it is put back and the module is reloaded', async (t) => {
    const fx = await withToken(t, { login: true });
    await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'survivor', role: 'wrap' });
    const [tokenDir] = readdirSync(fx.tokenDirectory);
    assert.ok(tokenDir);
    renameSync(join(fx.tokenDirectory, tokenDir), join(fx.directory, 'pulled-out'));
    await rejectsWithCode(fx.client.findObjects({ slotId: fx.slotId, label: 'survivor' }), 'TOKEN_NOT_PRESENT');
    renameSync(join(fx.directory, 'pulled-out'), join(fx.tokenDirectory, tokenDir));
    // SoftHSM2 does not notice the return by itself; loading the module again does.
    await fx.client.loadModule(fx.modulePath);
    const token = (await fx.client.listTokens()).find((x) => x.token?.label === fx.spec.label);
    assert.equal(token?.state, 'ready');
    await fx.client.login(token!.slotId, 'user', pin(fx.spec.userPin));
    assert.equal((await fx.client.findObjects({ slotId: token!.slotId, label: 'survivor' })).length, 1);
  });
});

describe('worker crash and hang', () => {
  it('reports a crashed worker, restarts it on the next call with the module reloaded, and keeps no login', async (t) => {
    const fx = await withToken(t, { login: true });
    const events: HsmClientEvent[] = [];
    fx.client.onEvent((e) => events.push(e));
    const key = await fx.client.generateKey({ slotId: fx.slotId, type: 'ed25519', label: 'before-crash', role: 'sign' });
    const moduleBefore = fx.client.module;
    const pid = fx.client.workerPid;
    assert.ok(pid);

    // A call in flight when the worker dies fails with a clear error.
    const inFlight = fx.client.generateKey({ slotId: fx.slotId, type: 'rsa-4096', label: 'interrupted', role: 'sign' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(pid, 'SIGKILL');
    const error = await rejectsWithCode(inFlight, 'WORKER_CRASHED');
    assert.match(error.message, /^HSM worker crashed \(signal SIGKILL\) while generating a key/);
    assert.match(error.message, /The ceremony state is kept; sessions and logins on the token were lost, log in again\./);
    assert.ok(events.some((e) => e.type === 'worker-crashed' && e.signal === 'SIGKILL' && e.during === 'generateKey'));
    assert.deepEqual(fx.client.module, moduleBefore, 'the client keeps its module state');

    // The next call starts a new worker and reloads the module first.
    const tokens = await fx.client.listTokens();
    assert.ok(tokens.some((x) => x.token?.label === fx.spec.label));
    const newPid = fx.client.workerPid;
    assert.ok(newPid && newPid !== pid);
    const restarted = events.find((e) => e.type === 'worker-restarted');
    assert.ok(restarted && restarted.type === 'worker-restarted');
    assert.equal(restarted.moduleReloaded, true);
    assert.deepEqual(restarted.module, moduleBefore);

    // Logins died with the old worker, and its key handles point at nothing now.
    assert.equal((await fx.client.sessionState(fx.slotId)).loggedIn, null);
    await rejectsWithCode(fx.client.exportPublicKey(key.publicKey!.handle), 'HANDLE_STALE');
    await fx.client.login(fx.slotId, 'user', pin(fx.spec.userPin));
    const found = await fx.client.findObjects({ slotId: fx.slotId, label: 'before-crash', class: 'public' });
    assert.equal(found.length, 1);
    assert.equal((await fx.client.exportPublicKey(found[0]!.handle)).algorithm, 'ed25519');
  });

  it('reports a crash of an idle worker on the next call only as a restart', async (t) => {
    const fx = await withToken(t);
    const events: HsmClientEvent[] = [];
    fx.client.onEvent((e) => events.push(e));
    const pid = fx.client.workerPid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => events.some((e) => e.type === 'worker-crashed'), 'the crash is noticed');
    assert.equal(fx.client.workerPid, undefined);
    assert.equal((await fx.client.mechanisms(fx.slotId)).length > 0, true);
    assert.ok(events.some((e) => e.type === 'worker-restarted' && e.moduleReloaded));
  });

  it('after a restart whose module reload fails, reports no module loaded and tries again on the next call', async (t) => {
    const fx = makeSoftHsm(t);
    const copy = join(fx.directory, 'libsofthsm2-copy.so');
    copyFileSync(fx.modulePath, copy);
    const client = clientFor(fx, t);
    await client.loadModule(copy);
    assert.ok(client.module);
    const pid = client.workerPid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => client.workerPid === undefined, 'the crash is noticed');
    rmSync(copy);
    await rejectsWithCode(client.listTokens(), 'MODULE_NOT_FOUND');
    assert.equal(client.module, null, 'no module is loaded in the new worker');
    copyFileSync(fx.modulePath, copy);
    assert.ok((await client.listTokens()).length > 0, 'the next call reloads the module');
    // Read through a widened type: the assertion above narrowed the getter to null.
    assert.equal((client.module as { path: string } | null)?.path, copy);
  });

  it('kills a worker that stops answering, reports it, and restarts it on the next call', async (t) => {
    const fx = await withToken(t, { client: { timeoutMs: 1500 } });
    const events: HsmClientEvent[] = [];
    fx.client.onEvent((e) => events.push(e));
    const pid = fx.client.workerPid;
    assert.ok(pid);
    process.kill(pid, 'SIGSTOP');
    t.after(() => {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    });
    const error = await rejectsWithCode(fx.client.listTokens(), 'WORKER_UNRESPONSIVE');
    assert.match(error.message, /^HSM worker stopped answering: no reply within 1\.5 s while listing slots and tokens/);
    assert.match(error.message, /sessions and logins on the token were lost, log in again/);
    assert.ok(events.some((e) => e.type === 'worker-unresponsive' && e.during === 'listSlots' && e.timeoutMs === 1500));
    await waitUntil(() => !alive(pid), 'the hung worker is gone');

    const tokens = await fx.client.listTokens();
    assert.ok(tokens.some((x) => x.token?.label === fx.spec.label));
    assert.notEqual(fx.client.workerPid, pid);
    assert.ok(events.some((e) => e.type === 'worker-restarted' && e.moduleReloaded));
  });

  it('applies a per-call timeout instead of the default', async (t) => {
    const fx = await withToken(t, { login: true });
    // RSA generation gets minutes by default; an explicit 1 ms for this one call wins.
    const error = await rejectsWithCode(
      fx.client.generateKey({ slotId: fx.slotId, type: 'rsa-4096', label: 'too-slow', role: 'sign' }, { timeoutMs: 1 }),
      'WORKER_UNRESPONSIVE',
    );
    assert.match(error.message, /no reply within 0 s while generating a key/);
    assert.ok((await fx.client.listTokens()).length > 0, 'the next call gets a fresh worker');
  });

  it('fails every call after close with WORKER_CLOSED and leaves no worker behind', async (t) => {
    const fx = makeSoftHsm(t);
    const client = clientFor(fx);
    await client.loadModule(fx.modulePath);
    const pid = client.workerPid;
    assert.ok(pid);
    await client.close();
    await waitUntil(() => !alive(pid), 'the worker has exited');
    await rejectsWithCode(client.listTokens(), 'WORKER_CLOSED');
  });
});
