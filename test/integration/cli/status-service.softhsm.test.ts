// The status service as the CLI and the app build it (createStatusService), with real
// HSM worker processes and SoftHSM2: rehearsal, switching modules, a worker crash.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { StatusSnapshotSchema, type StatusSnapshot } from '../../../preload/contract';
import { forkHsmClient, type HsmClient } from '../../../main/hsm/hsm-client';
import { createStatusService } from '../../../main/status/status-service';
import type { StatusEvent, StatusService } from '../../../main/status/types';
import { ensureBuilt, SOFTHSM_MODULE, softHsmToken, type SoftHsmFixture } from './softhsm-fixture';

let fixture: SoftHsmFixture;
const temp = mkdtempSync(join(tmpdir(), 'conclave-status-softhsm-'));
before(() => {
  ensureBuilt();
  fixture = softHsmToken('Status Test Root');
});
after(() => {
  fixture?.remove();
  rmSync(temp, { recursive: true, force: true });
});

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SOFTHSM2_CONF: fixture.confPath };
  delete env.CONCLAVE_PKCS11_MODULE;
  return env;
}

function make(dataDir: string, clients: HsmClient[], extra: { modulePath?: string | null } = {}): StatusService {
  return createStatusService({
    dataDir,
    env: baseEnv(),
    usb: null,
    hsm: (env) => {
      const client = forkHsmClient({ env });
      clients.push(client);
      return client;
    },
    ...extra,
  });
}

function nextStatus(service: StatusService): Promise<StatusSnapshot> {
  return new Promise((resolve) => {
    const stop = service.subscribe((event: StatusEvent) => {
      if (event.name !== 'statusChanged') return;
      stop();
      resolve(event.payload);
    });
  });
}

const labels = (snap: StatusSnapshot) => snap.tokens.map((t) => t.token?.label).filter(Boolean);

describe('status service with SoftHSM2', () => {
  test('with no module it rehearses on a fresh SoftHSM2 token, then switches to a real module and remembers it', async () => {
    const dataDir = join(temp, 'switch');
    const clients: HsmClient[] = [];
    const service = make(dataDir, clients);
    try {
      const rehearsal = await service.getStatus();
      assert.deepEqual(StatusSnapshotSchema.parse(rehearsal), rehearsal);
      assert.equal(rehearsal.rehearsal.active, true);
      assert.match(rehearsal.rehearsal.reason, /^No PKCS#11 module is configured, so Conclave made a throwaway SoftHSM2 rehearsal token in .*rehearsal-token.*; nothing done here counts for production\.$/);
      assert.equal(rehearsal.module?.path, SOFTHSM_MODULE);
      // The rehearsal worker sees the rehearsal token, not the SOFTHSM2_CONF of the environment.
      assert.ok(labels(rehearsal).includes('CONCLAVE REHEARSAL'));
      assert.ok(!labels(rehearsal).includes(fixture.label));
      assert.equal(rehearsal.room.rehearsal, true);
      assert.equal(rehearsal.room.checks.find((c) => c.id === 'tokens')?.status, 'pass');

      const slot = rehearsal.tokens.find((t) => t.token?.label === 'CONCLAVE REHEARSAL')!.slotId;
      const mechanisms = await service.getMechanisms(slot);
      assert.ok(mechanisms.some((m) => m.name === 'CKM_AES_KEY_WRAP_PAD'));

      const changed = nextStatus(service);
      const real = await service.useModule(SOFTHSM_MODULE);
      assert.equal((await changed).module?.path, SOFTHSM_MODULE);
      assert.equal(real.rehearsal.active, false);
      assert.ok(labels(real).includes(fixture.label), 'the real module sees the SOFTHSM2_CONF of the environment');
      assert.ok(!labels(real).includes('CONCLAVE REHEARSAL'));
      assert.equal(clients[0]!.workerPid, undefined, 'the rehearsal worker was stopped');
      assert.deepEqual(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')), { modulePath: SOFTHSM_MODULE });
    } finally {
      await service.close();
    }

    const later = make(dataDir, clients);
    try {
      const snap = await later.getStatus();
      assert.equal(snap.rehearsal.active, false);
      assert.match(snap.rehearsal.reason, /settings\.json/);
      assert.ok(labels(snap).includes(fixture.label));
    } finally {
      await later.close();
    }
  });

  test('a crashed worker is restarted, the module reloaded, and listeners get statusChanged', async () => {
    const clients: HsmClient[] = [];
    const service = make(join(temp, 'crash'), clients, { modulePath: SOFTHSM_MODULE });
    try {
      const before = await service.getStatus();
      assert.ok(labels(before).includes(fixture.label));
      const client = clients[0]!;
      const pid = client.workerPid;
      assert.ok(pid, 'a worker runs');
      const changed = nextStatus(service);
      process.kill(pid, 'SIGKILL');
      const after = await changed;
      assert.equal(after.moduleError, null);
      assert.equal(after.module?.path, SOFTHSM_MODULE);
      assert.ok(labels(after).includes(fixture.label));
      assert.ok(client.workerPid && client.workerPid !== pid, 'a new worker runs');
    } finally {
      await service.close();
    }
  });

  test('a file that is no PKCS#11 library becomes moduleError; getStatus does not throw', async () => {
    const clients: HsmClient[] = [];
    const notALibrary = join(temp, 'libnot-a-library.so');
    require('node:fs').writeFileSync(notALibrary, 'plain text, not ELF');
    const service = make(join(temp, 'bad'), clients, { modulePath: notALibrary });
    try {
      const snap = await service.getStatus();
      assert.deepEqual(StatusSnapshotSchema.parse(snap), snap);
      assert.equal(snap.module, null);
      assert.ok(snap.moduleError, 'moduleError is set');
      assert.ok(snap.moduleError.message.length > 0 && snap.moduleError.action.length > 0);
      const check = snap.room.checks.find((c) => c.id === 'pkcs11-module')!;
      assert.equal(check.status, 'fail');
      assert.ok(check.reason.startsWith(`${notALibrary}: `));
    } finally {
      await service.close();
    }
  });
});
