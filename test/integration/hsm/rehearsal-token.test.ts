// The throwaway SoftHSM2 rehearsal token in the app's data folder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REHEARSAL_LABEL, ensureRehearsalToken, readRehearsalPins } from '../../../main/hsm/rehearsal-token';
import { forkHsmClient } from '../../../main/hsm/hsm-client';
import { softHsmEnv } from '../../../native/softhsm/softhsm-config';
import { rejectsWithCode, requireSoftHsm, requireWorkerBuild } from '../../helpers/softhsm';

function dataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-data-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function openToken(confPath: string, userPin: Uint8Array) {
  const client = forkHsmClient({ workerScript: requireWorkerBuild(), env: softHsmEnv(confPath) });
  try {
    await client.loadModule(requireSoftHsm());
    const tokens = await client.listTokens();
    const token = tokens.find((x) => x.token?.label === REHEARSAL_LABEL);
    assert.ok(token, 'the rehearsal token is listed');
    const session = await client.login(token.slotId, 'user', userPin);
    return { token, session, count: tokens.filter((x) => x.token?.label === REHEARSAL_LABEL).length };
  } finally {
    await client.close();
  }
}

describe('rehearsal token', () => {
  it('creates a SoftHSM2 token with random PINs, saved 0600 and marked rehearsal', async (t) => {
    const dir = dataDir(t);
    const made = await ensureRehearsalToken(dir, { workerScript: requireWorkerBuild() });
    assert.equal(made.created, true);
    assert.equal(made.label, 'CONCLAVE REHEARSAL');
    assert.equal(made.directory, join(dir, 'rehearsal-token'));
    assert.equal(made.confPath, join(dir, 'rehearsal-token', 'softhsm2.conf'));
    assert.equal(made.tokenDirectory, join(dir, 'rehearsal-token', 'tokens'));
    assert.match(readFileSync(made.confPath, 'utf8'), new RegExp(`directories\\.tokendir = ${made.tokenDirectory}\\n`));

    assert.equal(statSync(made.pinsPath).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(made.pinsPath, 'utf8'));
    assert.equal(saved.rehearsal, true);
    assert.match(saved.warning, /Never use .* in production/);
    assert.match(saved.soPin, /^[A-Z2-9]{20}$/);
    assert.match(saved.userPin, /^[A-Z2-9]{20}$/);
    assert.notEqual(saved.soPin, saved.userPin);

    const pins = readRehearsalPins(dir);
    const opened = await openToken(made.confPath, pins.userPin);
    assert.equal(opened.token.state, 'ready');
    assert.equal(opened.session.loggedIn, 'user');
  });

  it('reuses an existing rehearsal token', async (t) => {
    const dir = dataDir(t);
    const first = await ensureRehearsalToken(dir, { workerScript: requireWorkerBuild() });
    const pinsBefore = readFileSync(first.pinsPath, 'utf8');
    const second = await ensureRehearsalToken(dir, { workerScript: requireWorkerBuild() });
    assert.equal(second.created, false);
    assert.equal(readFileSync(second.pinsPath, 'utf8'), pinsBefore);
    const opened = await openToken(second.confPath, readRehearsalPins(dir).userPin);
    assert.equal(opened.count, 1, 'still exactly one rehearsal token');
  });

  it('starts over when the saved PINs no longer open the token', async (t) => {
    const dir = dataDir(t);
    const first = await ensureRehearsalToken(dir, { workerScript: requireWorkerBuild() });
    rmSync(first.pinsPath);
    const again = await ensureRehearsalToken(dir, { workerScript: requireWorkerBuild() });
    assert.equal(again.created, true);
    assert.ok(existsSync(again.pinsPath));
    const opened = await openToken(again.confPath, readRehearsalPins(dir).userPin);
    assert.equal(opened.count, 1);
  });

  it('fails clearly when SoftHSM2 is not installed', async (t) => {
    const dir = dataDir(t);
    const error = await rejectsWithCode(ensureRehearsalToken(dir, { findSoftHsm: () => null }), 'SOFTHSM_NOT_INSTALLED');
    assert.match(error.action, /install the softhsm2 package/i);
    assert.equal(existsSync(join(dir, 'rehearsal-token')), false, 'nothing is written');
  });

  it('refuses a PIN file that is not a rehearsal PIN file', (t) => {
    const dir = dataDir(t);
    assert.throws(() => readRehearsalPins(dir), { code: 'REHEARSAL_PINS_MISSING' });
    const path = join(dir, 'rehearsal-token');
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'rehearsal-pins.json'), JSON.stringify({ format: 'conclave-rehearsal-pins/1', rehearsal: false, label: 'x', soPin: 'a', userPin: 'b' }));
    assert.throws(() => readRehearsalPins(dir), { code: 'REHEARSAL_PINS_INVALID' });
  });
});
