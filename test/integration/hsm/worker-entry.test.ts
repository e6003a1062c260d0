// The built worker answers both ways it can be started: as a child_process.fork child
// (covered by every other HSM test) and as an Electron utilityProcess, whose
// process.parentPort is stood in for here by a small preloaded shim speaking JSON lines.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { makeSoftHsm, requireWorkerBuild } from '../../helpers/softhsm';

const SHIM = `
const { EventEmitter } = require('node:events');
const port = new EventEmitter();
port.postMessage = (message) => process.stdout.write(JSON.stringify(message) + '\\n');
process.parentPort = port;
let buffered = '';
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let i = buffered.indexOf('\\n'); i >= 0; i = buffered.indexOf('\\n')) {
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    port.emit('message', { data: JSON.parse(line) });
  }
});
`;

describe('worker entry', () => {
  it('answers over an Electron-style parentPort ({data} events, postMessage)', async (t) => {
    const fx = makeSoftHsm(t);
    const shim = join(fx.directory, 'parent-port-shim.cjs');
    writeFileSync(shim, SHIM);
    const child = spawn(process.execPath, ['--require', shim, requireWorkerBuild()], { env: fx.env, stdio: ['pipe', 'pipe', 'inherit'] });
    t.after(() => child.kill('SIGKILL'));
    const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ask = async (message: object) => {
      child.stdin.write(`${JSON.stringify(message)}\n`);
      const next = await answers.next();
      return JSON.parse(next.value as string);
    };
    const ping = await ask({ id: 1, op: 'ping', args: {} });
    assert.equal(ping.ok, true);
    assert.equal(ping.result.pid, child.pid);
    const loaded = await ask({ id: 2, op: 'loadModule', args: { path: fx.modulePath } });
    assert.equal(loaded.result.manufacturer, 'SoftHSM');
    const slots = await ask({ id: 3, op: 'listSlots', args: {} });
    assert.equal(slots.result.length, 1);
    const refused = await ask({ id: 4, op: 'login', args: { slotId: '0', userType: 'user', pin: 'as text' } });
    assert.deepEqual([refused.id, refused.ok, refused.error.code], [4, false, 'BAD_REQUEST']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    assert.deepEqual(await ask({ id: 5, op: 'shutdown', args: {} }), { id: 5, ok: true, result: null });
    assert.equal(await exited, 0);
  });
});
