import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createUtilityTransport, type UtilityChild, type UtilityFork } from '../../../main/shell/utility-transport';

// Stands in for Electron's UtilityProcess (an EventEmitter with postMessage, kill, pid).
// The worker protocol itself runs for real over the Node fork transport in the HSM
// integration tests; this checks only the mapping onto WorkerTransport.
class FakeUtilityProcess extends EventEmitter implements UtilityChild {
  pid: number | undefined = undefined;
  posted: unknown[] = [];
  kills = 0;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  kill() {
    this.kills += 1;
    return true;
  }
}

function setup(env: Record<string, string | undefined> = { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1', SOFTHSM2_CONF: '/tmp/s.conf', EMPTY: undefined }, killGraceMs?: number) {
  const child = new FakeUtilityProcess();
  const forks: Parameters<UtilityFork>[] = [];
  const fork: UtilityFork = (...args) => {
    forks.push(args);
    return child;
  };
  const transport = createUtilityTransport(fork, '/app/dist/native/hsm-worker.cjs', killGraceMs === undefined ? { env } : { env, killGraceMs });
  return { child, forks, transport };
}

describe('utilityProcess worker transport', () => {
  it('forks the worker script with a clean environment', () => {
    const { forks } = setup();
    assert.equal(forks.length, 1);
    const [path, args, options] = forks[0]!;
    assert.equal(path, '/app/dist/native/hsm-worker.cjs');
    assert.deepEqual(args, []);
    assert.deepEqual(options.env, { PATH: '/usr/bin', SOFTHSM2_CONF: '/tmp/s.conf' });
    assert.equal(options.serviceName, 'Conclave HSM worker');
  });

  it('passes messages both ways', () => {
    const { child, transport } = setup();
    const received: unknown[] = [];
    transport.onMessage((m) => received.push(m));
    transport.send({ id: 1, op: 'listSlots', args: {} });
    assert.deepEqual(child.posted, [{ id: 1, op: 'listSlots', args: {} }]);
    child.emit('message', { id: 1, ok: true });
    assert.deepEqual(received, [{ id: 1, ok: true }]);
  });

  it('reports the pid once the process has one', () => {
    const { child, transport } = setup();
    assert.equal(transport.pid, undefined);
    child.pid = 4242;
    assert.equal(transport.pid, 4242);
  });

  it('reports an exit with its code, and refuses to send afterwards', async () => {
    const { child, transport } = setup();
    const exits: unknown[] = [];
    transport.onExit((info) => exits.push(info));
    child.emit('exit', 134);
    assert.deepEqual(exits, [{ code: 134, signal: null }]);
    assert.throws(() => transport.send({ id: 2, op: 'listSlots', args: {} }), /HSM worker has stopped \(exit code 134\)/);
    const late = await new Promise((resolve) => transport.onExit(resolve));
    assert.deepEqual(late, { code: 134, signal: null }, 'a listener added after the exit still hears of it');
  });

  it('kills a running worker once, and a stopped one not at all', () => {
    const { child, transport } = setup();
    transport.kill();
    assert.equal(child.kills, 1);
    child.emit('exit', 0);
    transport.kill();
    assert.equal(child.kills, 1);
  });

  it('ends a worker that ignores the polite kill with SIGKILL', async () => {
    // A real process that ignores SIGTERM stands in for a worker stuck in a vendor library.
    const stubborn = spawn('/bin/sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 1; done'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(stubborn.stdout!, 'data'); // the trap is in place
    const { child, transport } = setup(undefined, 50);
    child.pid = stubborn.pid;
    child.kill = () => {
      child.kills += 1;
      process.kill(stubborn.pid!, 'SIGTERM');
      return true;
    };
    const [code, signal] = (await Promise.all([once(stubborn, 'exit'), Promise.resolve(transport.kill())]))[0] as [number | null, string | null];
    assert.equal(child.kills, 1);
    assert.equal(code, null);
    assert.equal(signal, 'SIGKILL');
  });
});
