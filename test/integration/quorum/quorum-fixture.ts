// Shared set-up for the quorum service tests against SoftHSM2: a quorum service over a
// real HSM client, custodians with strong passphrases and their own envelope folders, a
// helper that drives a whole setup through the service (the same calls the screens make),
// and the secret tracker that proves nothing secret reached the disk.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { openEnvelope, parseEnvelope } from '../../../main/quorum/envelope';
import type { KdfCost } from '../../../main/quorum/kdf';
import type { Scheduler } from '../../../main/quorum/login';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { createQuorumService, type QuorumEvent, type QuorumService, type QuorumServiceOptions } from '../../../main/quorum/quorum-service';
import type { QuorumHsm } from '../../../main/quorum/quorum-hsm';
import { combineShares } from '../../../main/quorum/sharing';
import { KDF_MINIMUM, SECRET_IDS, type QuorumPolicy, type SecretId } from '../../../main/quorum/types';
import { contract, events, type PolicyInput, type QuorumLoginView, type QuorumSetupView } from '../../../preload/contract';
import { readFileSync } from 'node:fs';
import { SecretTracker } from '../../helpers/secret-scan';
import type { Cleanup } from '../../helpers/softhsm';

/** Tests use exactly the minimum Argon2id cost: fast enough, never below it. */
export const MIN_KDF: KdfCost = { algorithm: 'argon2id', version: 19, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism };

export const FIVE = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'];

export const flatPolicy = (threshold: number, names: string[]): PolicyInput => ({ threshold, custodians: names.map((name) => ({ name })) });

/** A passphrase that passes the strength rules and is unique to this run. */
export function strongPassphrase(): string {
  return `Tq7-${randomBytes(12).toString('base64url')}-harbor`;
}

export function tempDir(t: Cleanup, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `conclave-${prefix}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Checks a service answer against the contract's response schema, as the router does. */
export function matchesContract<C extends keyof typeof contract>(channel: C, value: unknown): z.infer<(typeof contract)[C]['response']> {
  const parsed = contract[channel].response.safeParse(value);
  if (!parsed.success) assert.fail(`${channel} response breaks the contract: ${parsed.error.message}`);
  return parsed.data as z.infer<(typeof contract)[C]['response']>;
}

/** Checks a quorumChanged payload against the contract's event schema. */
export function matchesEvent(payload: unknown): QuorumLoginView {
  const parsed = events.quorumChanged.safeParse(payload);
  if (!parsed.success) assert.fail(`quorumChanged payload breaks the contract: ${parsed.error.message}`);
  return parsed.data;
}

/** Timers the test advances by hand. */
export class ManualScheduler implements Scheduler {
  private next = 1;
  private readonly timers = new Map<number, { fn: () => void; at: number }>();
  nowMs = Date.parse('2030-01-01T00:00:00.000Z');

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { fn, at: this.nowMs + ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  now = (): Date => new Date(this.nowMs);

  /** Moves the clock and runs every timer that came due, in order. */
  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.nowMs = due[1].at;
      due[1].fn();
    }
    this.nowMs = until;
  }

  get pending(): number {
    return this.timers.size;
  }
}

export interface ServiceHarness {
  service: QuorumService;
  events: QuorumEvent[];
}

export function quorumServiceFor(t: Cleanup, hsm: QuorumHsm, options: Partial<QuorumServiceOptions> = {}): ServiceHarness {
  const service = createQuorumService({
    hsm: async () => ({ port: hsm, rehearsal: false }),
    dataDir: options.dataDir ?? '/nonexistent-conclave-data',
    kdf: MIN_KDF,
    pollIntervalMs: 0,
    ...options,
  });
  const events: QuorumEvent[] = [];
  service.subscribe((event) => events.push(event));
  t.after(() => service.close());
  return { service, events };
}

export interface Custodian {
  index: number;
  name: string;
  passphrase: string;
  directory: string;
  envelopePath: string | null;
}

export interface SetupResult {
  view: QuorumSetupView;
  recordPath: string;
  custodians: Custodian[];
}

/** Makes one folder per custodian (their "removable medium") under `root`. */
export function custodiansFor(policy: PolicyInput, root: string): Custodian[] {
  return policy.custodians.map((c, i) => {
    const directory = join(root, `medium-${i + 1}`);
    mkdirSync(directory, { recursive: true });
    return { index: i + 1, name: c.name, passphrase: strongPassphrase(), directory, envelopePath: null };
  });
}

/** Drives a whole setup through the service: begin, seal, save, prove for each custodian, complete. */
export async function runSetup(
  service: QuorumService,
  request: { slotId: string; policy: PolicyInput; outputDirectory: string; tokenLabel?: string; currentPins?: { soPin: string; userPin: string }; ceremonyId?: string },
  custodians: Custodian[],
  tracker?: SecretTracker,
): Promise<SetupResult> {
  let view = matchesContract('quorumSetupBegin', await service.quorumSetupBegin(request));
  for (const c of custodians) {
    tracker?.add(`passphrase of ${c.name}`, c.passphrase);
    view = matchesContract('quorumSetupSeal', await service.quorumSetupSeal({ setupId: view.setupId, index: c.index, passphrase: c.passphrase, passphraseRepeat: c.passphrase }));
    view = matchesContract('quorumSetupSave', await service.quorumSetupSave({ setupId: view.setupId, index: c.index, directory: c.directory }));
    c.envelopePath = view.custodians[c.index - 1]!.savedTo;
    view = matchesContract('quorumSetupProve', await service.quorumSetupProve({ setupId: view.setupId, index: c.index, source: { kind: 'file', path: c.envelopePath! }, passphrase: c.passphrase }));
  }
  view = matchesContract('quorumSetupComplete', await service.quorumSetupComplete({ setupId: view.setupId }));
  assert.equal(view.phase, 'complete');
  assert.ok(view.recordPath);
  return { view, recordPath: view.recordPath, custodians };
}

/** Opens envelopes the way a custodian would, to learn the shares and PINs the test must look for on disk. */
export async function learnSecrets(policy: QuorumPolicy, custodians: Custodian[], tracker: SecretTracker): Promise<Record<SecretId, Uint8Array>> {
  const shares: Record<SecretId, Map<number, Uint8Array>> = { 'user-pin': new Map(), 'so-pin': new Map() };
  for (const c of custodians) {
    const opened = await openEnvelope(parseEnvelope(readFileSync(c.envelopePath!, 'utf8')), encodePassphrase(c.passphrase));
    for (const id of SECRET_IDS) {
      tracker.add(`${id} share of ${c.name}`, opened[id]);
      shares[id].set(c.index, opened[id]);
    }
  }
  const secrets = {} as Record<SecretId, Uint8Array>;
  for (const id of SECRET_IDS) {
    secrets[id] = await combineShares(policy, shares[id]);
    tracker.add(id, secrets[id]);
  }
  return secrets;
}

/** Fails with every file and secret found; returns how many files were searched. */
export function assertNoSecretsOnDisk(tracker: SecretTracker, roots: string[], allow: string[] = []): number {
  assert.ok(tracker.size > 0, 'the test tracked no secrets to look for');
  const { findings, filesScanned } = tracker.scan(roots, { allow });
  assert.deepEqual(findings, [], 'no passphrase, PIN or share may be written to any file');
  assert.ok(filesScanned > 0, 'the scan found files to search');
  return filesScanned;
}
