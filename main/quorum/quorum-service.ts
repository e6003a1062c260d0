// The quorum service: one method per quorum channel of the IPC contract (same names,
// request → response view), over setup, login and re-share, plus quorumChanged events.
// It uses the same HSM client as the status service, because a login lives in the
// worker that made it; a token removal seen by the status service (USB detach of an HSM,
// the token gone from a listing) clears every presented share. Passphrases and PINs
// arrive as strings from IPC: they become bytes at once and those bytes are overwritten
// after use (the strings themselves cannot be, and are not kept).
import { DomainError } from '../../native/errors';
import type { Channel, QuorumLoginView, RequestOf, ResponseOf } from '../../preload/contract';
import { readRehearsalPins, REHEARSAL_LABEL, writeRehearsalPins } from '../hsm/rehearsal-token';
import type { StatusEvent, StatusService } from '../status/types';
import { toBase64 } from './bytes';
import { envelopeInfo, parseEnvelope } from './envelope';
import { readEnvelopeSource } from './envelope-source';
import { assertKdfParams, calibrateKdf, type KdfCost } from './kdf';
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_SHARE_LIFETIME_MS, QuorumLoginSession, realScheduler, type LoginContext, type Scheduler } from './login';
import { encodePassphrase } from './passphrase-policy';
import { isQuorumHsm, type QuorumHsm } from './quorum-hsm';
import { loadRecordFile } from './record-file';
import { QuorumReshare } from './reshare';
import { QuorumSetup, type RehearsalPinStore, type SetupContext } from './setup';

export type QuorumChannel = Extract<Channel, `quorum${string}`> | 'inspectEnvelope';

export type QuorumEvent = { name: 'quorumChanged'; payload: QuorumLoginView };

export type QuorumService = { [C in QuorumChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> } & {
  /** quorumChanged: a login session changed by itself (share expired, HSM removed, worker restarted). */
  subscribe(listener: (event: QuorumEvent) => void): () => void;
  /** Ends every setup, login and re-share in progress, overwriting what they hold. */
  close(): Promise<void>;
};

export interface ActiveQuorumHsm {
  port: QuorumHsm;
  rehearsal: boolean;
}

export interface QuorumServiceOptions {
  /** The HSM client in use now (the status service's), or null when no module is loaded. */
  hsm: () => Promise<ActiveQuorumHsm | null>;
  /** Where the rehearsal token lives (<dataDir>/rehearsal-token), as for the status service. */
  dataDir: string;
  /** Status events: an HSM's USB detach or its token missing from a listing clears presented shares. */
  statusEvents?: (listener: (event: StatusEvent) => void) => () => void;
  now?: () => Date;
  scheduler?: Scheduler;
  /** How long a presented share is held; 10 minutes by default. */
  shareLifetimeMs?: number;
  /** How often a login checks that its token is still there while shares are held; 0 turns it off. */
  pollIntervalMs?: number;
  /** Fixed Argon2id cost (tests); never below the minimum. Without it every setup is calibrated. */
  kdf?: KdfCost;
  /** Calibration (tests may pass a quicker one); calibrateKdf by default. */
  calibrate?: () => Promise<{ params: KdfCost; milliseconds: number }>;
}

/** How long a calibration from quorumCalibrate is reused by the next setup. */
const CALIBRATION_REUSE_MS = 10 * 60 * 1000;

function notFound(code: string, what: string, id: string): DomainError {
  return new DomainError({
    code,
    message: `There is no ${what} with the id ${id.slice(0, 64)} (it ended, or Conclave was restarted).`,
    action: `Start the ${what} again.`,
  });
}

function noHsm(): DomainError {
  return new DomainError({
    code: 'NO_MODULE',
    message: 'No PKCS#11 module is loaded, so there is no token for the quorum.',
    action: 'Choose the HSM module on the status screen (or start in rehearsal), then try again.',
  });
}

function pinStore(dataDir: string): RehearsalPinStore {
  return {
    label: REHEARSAL_LABEL,
    read: () => {
      const pins = readRehearsalPins(dataDir);
      return { soPin: pins.soPin, userPin: pins.userPin };
    },
    write: (pins) => writeRehearsalPins(dataDir, { label: REHEARSAL_LABEL, soPin: pins.soPin, userPin: pins.userPin }),
  };
}

interface WorkerEvents {
  onEvent(listener: (event: { type: string }) => void): () => void;
}

class Service implements QuorumService {
  private readonly setups = new Map<string, QuorumSetup>();
  private readonly sessions = new Map<string, QuorumLoginSession>();
  private readonly reshares = new Map<string, QuorumReshare>();
  /** Setup id of a re-share's new quorum → the re-share's id. */
  private readonly reshareOfSetup = new Map<string, string>();
  private readonly listeners = new Set<(event: QuorumEvent) => void>();
  private readonly watchedPorts = new WeakSet<object>();
  private readonly unsubscribers: Array<() => void> = [];
  private calibration: { params: KdfCost; milliseconds: number; at: number } | null = null;
  private readonly now: () => Date;
  private closed = false;

  constructor(private readonly options: QuorumServiceOptions) {
    this.now = options.now ?? (() => new Date());
    if (options.kdf) assertKdfParams(options.kdf);
    if (options.statusEvents) this.unsubscribers.push(options.statusEvents((event) => this.onStatusEvent(event)));
  }

  // ------------------------------------------------------------------ channels

  async quorumCalibrate(): Promise<ResponseOf<'quorumCalibrate'>> {
    const result = await this.calibrate();
    return { kdf: { memoryKiB: result.params.memoryKiB, iterations: result.params.iterations, parallelism: result.params.parallelism }, milliseconds: result.milliseconds };
  }

  async quorumSetupBegin(request: RequestOf<'quorumSetupBegin'>): Promise<ResponseOf<'quorumSetupBegin'>> {
    const currentPins = request.currentPins ? { soPin: encodePassphrase(request.currentPins.soPin), userPin: encodePassphrase(request.currentPins.userPin) } : undefined;
    try {
      const ctx = await this.setupContext();
      const setup = await QuorumSetup.begin(ctx, {
        slotId: request.slotId,
        policy: request.policy,
        outputDirectory: request.outputDirectory,
        ...(request.ceremonyId !== undefined ? { ceremonyId: request.ceremonyId } : {}),
        ...(request.tokenLabel !== undefined ? { tokenLabel: request.tokenLabel } : {}),
        ...(currentPins ? { currentPins } : {}),
      });
      this.setups.set(setup.setupId, setup);
      return setup.view();
    } finally {
      currentPins?.soPin.fill(0);
      currentPins?.userPin.fill(0);
    }
  }

  async quorumSetupSeal(request: RequestOf<'quorumSetupSeal'>): Promise<ResponseOf<'quorumSetupSeal'>> {
    const setup = this.setup(request.setupId);
    await setup.seal(request.index, encodePassphrase(request.passphrase), encodePassphrase(request.passphraseRepeat));
    return setup.view();
  }

  async quorumSetupSave(request: RequestOf<'quorumSetupSave'>): Promise<ResponseOf<'quorumSetupSave'>> {
    const setup = this.setup(request.setupId);
    await setup.save(request.index, request.directory);
    return setup.view();
  }

  async quorumEnvelopeQr(request: RequestOf<'quorumEnvelopeQr'>): Promise<ResponseOf<'quorumEnvelopeQr'>> {
    const { png, fingerprint } = await this.setup(request.setupId).envelopeQr(request.index);
    return { pngDataUrl: `data:image/png;base64,${toBase64(png)}`, fingerprint: { hex: fingerprint.hex, words: [...fingerprint.words] } };
  }

  async quorumSetupProve(request: RequestOf<'quorumSetupProve'>): Promise<ResponseOf<'quorumSetupProve'>> {
    const setup = this.setup(request.setupId);
    await setup.prove(request.index, request.source, encodePassphrase(request.passphrase));
    return setup.view();
  }

  async quorumSetupComplete(request: RequestOf<'quorumSetupComplete'>): Promise<ResponseOf<'quorumSetupComplete'>> {
    const setup = this.setup(request.setupId);
    await setup.complete();
    return setup.view();
  }

  async quorumSetupCancel(request: RequestOf<'quorumSetupCancel'>): Promise<ResponseOf<'quorumSetupCancel'>> {
    const setup = this.setup(request.setupId);
    const reshareId = this.reshareOfSetup.get(setup.setupId);
    if (reshareId) this.reshare(reshareId).cancel();
    else await setup.cancel();
    return setup.view();
  }

  async quorumLoginBegin(request: RequestOf<'quorumLoginBegin'>): Promise<ResponseOf<'quorumLoginBegin'>> {
    const loaded = await loadRecordFile(request.recordPath, this.now);
    const active = await this.requireHsm();
    const session = await QuorumLoginSession.begin(this.loginContext(active), { record: loaded.record, recordPath: loaded.path, slotId: request.slotId, purpose: 'login' });
    this.sessions.set(session.sessionId, session);
    return session.view();
  }

  async quorumLoginPresent(request: RequestOf<'quorumLoginPresent'>): Promise<ResponseOf<'quorumLoginPresent'>> {
    const session = this.session(request.sessionId);
    await this.reportingChanges(session, () => session.present(request.source, encodePassphrase(request.passphrase)));
    return session.view();
  }

  async quorumLoginAtDevice(request: RequestOf<'quorumLoginAtDevice'>): Promise<ResponseOf<'quorumLoginAtDevice'>> {
    const session = this.session(request.sessionId);
    await session.loginAtDevice();
    return session.view();
  }

  async quorumLoginCancel(request: RequestOf<'quorumLoginCancel'>): Promise<ResponseOf<'quorumLoginCancel'>> {
    const session = this.session(request.sessionId);
    if (!session.ended) session.cancel();
    return session.view();
  }

  async quorumReshareBegin(request: RequestOf<'quorumReshareBegin'>): Promise<ResponseOf<'quorumReshareBegin'>> {
    const loaded = await loadRecordFile(request.recordPath, this.now);
    const active = await this.requireHsm();
    const setup = await this.setupContext(active);
    const reshare = await QuorumReshare.begin(
      { setup, login: this.loginContext(active) },
      { record: loaded.record, recordText: loaded.text, recordPath: loaded.path, slotId: request.slotId, policy: request.policy, outputDirectory: request.outputDirectory },
    );
    this.reshares.set(reshare.reshareId, reshare);
    this.setups.set(reshare.newSetup.setupId, reshare.newSetup);
    this.reshareOfSetup.set(reshare.newSetup.setupId, reshare.reshareId);
    return reshare.view();
  }

  async quorumResharePresent(request: RequestOf<'quorumResharePresent'>): Promise<ResponseOf<'quorumResharePresent'>> {
    const reshare = this.reshare(request.reshareId);
    await this.reportingChanges(reshare.oldQuorum, () => reshare.present(request.source, encodePassphrase(request.passphrase)));
    return reshare.view();
  }

  async quorumReshareCommit(request: RequestOf<'quorumReshareCommit'>): Promise<ResponseOf<'quorumReshareCommit'>> {
    const reshare = this.reshare(request.reshareId);
    await reshare.commit(request.nonce);
    return reshare.view();
  }

  async inspectEnvelope(request: RequestOf<'inspectEnvelope'>): Promise<ResponseOf<'inspectEnvelope'>> {
    return envelopeInfo(parseEnvelope(await readEnvelopeSource(request.source)));
  }

  subscribe(listener: (event: QuorumEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const reshare of this.reshares.values()) if (!reshare.committed) reshare.cancel();
    for (const session of this.sessions.values()) if (!session.ended) session.cancel('Conclave is closing; every presented share was overwritten.');
    for (const setup of this.setups.values()) if (setup.phase !== 'complete' && setup.phase !== 'failed') await setup.cancel().catch(() => undefined);
    this.listeners.clear();
  }

  // ------------------------------------------------------------------ internals

  private emit(view: QuorumLoginView): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ name: 'quorumChanged', payload: view });
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }

  /** A refused presentation can still change the view (a wrong passphrase counted, the session ended): tell the screens. */
  private async reportingChanges(session: QuorumLoginSession, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.emit(session.view());
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new DomainError({ code: 'SERVICE_CLOSED', message: 'The quorum service has been closed.', action: 'Restart Conclave.' });
  }

  private setup(id: string): QuorumSetup {
    this.assertOpen();
    const setup = this.setups.get(id);
    if (!setup) throw notFound('SETUP_NOT_FOUND', 'setup', id);
    return setup;
  }

  private session(id: string): QuorumLoginSession {
    this.assertOpen();
    const session = this.sessions.get(id);
    if (!session) throw notFound('LOGIN_SESSION_NOT_FOUND', 'login session', id);
    return session;
  }

  private reshare(id: string): QuorumReshare {
    this.assertOpen();
    const reshare = this.reshares.get(id);
    if (!reshare) throw notFound('RESHARE_NOT_FOUND', 're-share', id);
    return reshare;
  }

  private async requireHsm(): Promise<ActiveQuorumHsm> {
    this.assertOpen();
    const active = await this.options.hsm();
    if (!active) throw noHsm();
    this.watchWorker(active.port);
    return active;
  }

  /** A crashed or restarted worker has lost its logins: sessions that were logged in say so. */
  private watchWorker(port: QuorumHsm): void {
    const events = port as unknown as Partial<WorkerEvents>;
    if (typeof events.onEvent !== 'function' || this.watchedPorts.has(port)) return;
    this.watchedPorts.add(port);
    this.unsubscribers.push(
      events.onEvent((event) => {
        if (event.type !== 'worker-crashed' && event.type !== 'worker-unresponsive') return;
        for (const session of this.sessions.values()) session.workerRestarted();
      }),
    );
  }

  private async calibrate(): Promise<{ params: KdfCost; milliseconds: number }> {
    this.assertOpen();
    const result = await (this.options.calibrate ?? (() => calibrateKdf()))();
    assertKdfParams(result.params);
    this.calibration = { ...result, at: Date.now() };
    return result;
  }

  private async kdfForSetup(): Promise<KdfCost> {
    if (this.options.kdf) return this.options.kdf;
    if (this.calibration && Date.now() - this.calibration.at < CALIBRATION_REUSE_MS) return this.calibration.params;
    return (await this.calibrate()).params;
  }

  private async setupContext(known?: ActiveQuorumHsm): Promise<SetupContext> {
    const active = known ?? (await this.requireHsm());
    return {
      hsm: active.port,
      now: this.now,
      rehearsal: active.rehearsal,
      rehearsalPins: active.rehearsal ? pinStore(this.options.dataDir) : null,
      kdf: await this.kdfForSetup(),
    };
  }

  private loginContext(active: ActiveQuorumHsm): LoginContext {
    const ctx: LoginContext = {
      hsm: active.port,
      now: this.now,
      scheduler: this.options.scheduler ?? realScheduler,
      shareLifetimeMs: this.options.shareLifetimeMs ?? DEFAULT_SHARE_LIFETIME_MS,
      pollIntervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      onChange: (view) => this.emit(view),
    };
    return ctx;
  }

  private liveSessions(): QuorumLoginSession[] {
    const out = [...this.sessions.values()];
    for (const reshare of this.reshares.values()) out.push(reshare.oldQuorum);
    return out.filter((s) => !s.ended);
  }

  private onStatusEvent(event: StatusEvent): void {
    if (event.name === 'usbChanged') {
      const change = event.payload.event;
      if (change?.type !== 'detach' || (change.device.kind !== 'hsm' && change.device.kind !== 'token')) return;
      const what = change.device.product ?? `USB device ${change.device.vendorId.toString(16).padStart(4, '0')}:${change.device.productId.toString(16).padStart(4, '0')}`;
      for (const session of this.liveSessions()) session.tokenRemoved(`The HSM (${what}) was unplugged.`);
      return;
    }
    const snapshot = event.payload;
    if (!snapshot.module) return;
    for (const session of this.liveSessions()) {
      const here = snapshot.tokens.find((t) => t.slotId === session.slotId);
      if (!here || !here.tokenPresent || !here.token || here.token.serial !== session.record.token.serial) {
        session.tokenRemoved(`The HSM token (serial ${session.record.token.serial}) is no longer in slot ${session.slotId}.`);
      }
    }
  }
}

export function createQuorumService(options: QuorumServiceOptions): QuorumService {
  return new Service(options);
}

export type QuorumServiceForStatusOptions = Omit<QuorumServiceOptions, 'hsm' | 'statusEvents'>;

/** The quorum service over the status service's HSM client and events: how the app and the browser tests compose them. */
export function quorumServiceForStatus(status: StatusService, options: QuorumServiceForStatusOptions): QuorumService {
  return createQuorumService({
    ...options,
    hsm: async () => {
      const active = await status.activeHsm();
      if (!active) return null;
      if (!isQuorumHsm(active.port)) {
        throw new DomainError({
          code: 'HSM_CLIENT_UNSUITABLE',
          message: 'The HSM connection in use cannot set PINs or log in, so the quorum cannot use it.',
          action: 'This is a fault in how Conclave was started; report it.',
        });
      }
      return { port: active.port, rehearsal: active.rehearsal };
    },
    statusEvents: (listener) => status.subscribe(listener),
  });
}
