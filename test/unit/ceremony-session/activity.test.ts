// The HSM activity panel's source: the step's own account and the HSM call in flight,
// seen through a proxy over the client, with elapsed time from the tracker's clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityTracker, watchedHsm } from '../../../main/ceremony/session';
import type { HsmClient } from '../../../main/hsm/hsm-client';

/** Stands in for the worker-backed client: only the surface the proxy touches. */
class SlowClient {
  readonly module = { path: '/usr/lib/softhsm/libsofthsm2.so' };
  release: (() => void) | null = null;
  generateKey(): Promise<string> {
    return new Promise((resolve) => {
      this.release = () => resolve('handle-1');
    });
  }
  sign(): Promise<Uint8Array> {
    return Promise.reject(new Error('token removed'));
  }
  describeSelf(): string {
    return `client for ${this.module.path}`;
  }
}

describe('ActivityTracker and watchedHsm', () => {
  it('shows the HSM call in flight while a step runs, counts calls, and clears when it ends', async () => {
    let now = 1_000;
    let changes = 0;
    const tracker = new ActivityTracker(() => changes++, () => now);
    const client = new SlowClient();
    const hsm = watchedHsm(client as unknown as HsmClient, tracker);
    assert.equal(tracker.view(), null);

    tracker.begin('root-key', 'Generate the root signing key');
    const pending = (hsm as unknown as SlowClient).generateKey();
    now = 3_500;
    let view = tracker.view()!;
    assert.equal(view.step, 'root-key');
    assert.equal(view.operation, 'generating a key inside the token');
    assert.equal(view.hsmCalls, 1);
    assert.equal(view.elapsedMs, 2_500);
    assert.equal(view.startedAt, new Date(1_000).toISOString());
    client.release!();
    assert.equal(await pending, 'handle-1');
    assert.equal(tracker.view()!.operation, null, 'between calls');

    await assert.rejects((hsm as unknown as SlowClient).sign(), /token removed/);
    view = tracker.view()!;
    assert.equal(view.hsmCalls, 2);
    assert.equal(view.operation, null, 'a failed call ends too');

    tracker.describe('Sealing 2 of 5', { done: 1, total: 5, unit: 'custodians' });
    assert.deepEqual(tracker.view()!.progress, { done: 1, total: 5, unit: 'custodians' });
    tracker.end();
    assert.equal(tracker.view(), null);
    assert.ok(changes >= 6);
  });

  it('passes other properties and methods through, and reports no calls outside a step', async () => {
    const tracker = new ActivityTracker(() => undefined);
    const client = new SlowClient();
    const hsm = watchedHsm(client as unknown as HsmClient, tracker) as unknown as SlowClient;
    assert.equal(hsm.module.path, '/usr/lib/softhsm/libsofthsm2.so');
    assert.equal(hsm.describeSelf(), 'client for /usr/lib/softhsm/libsofthsm2.so');
    const pending = hsm.generateKey();
    assert.equal(tracker.view(), null);
    client.release!();
    await pending;
  });
});
