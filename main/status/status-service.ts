// The status service: what the app shell, the IPC handlers, the browser tests and the CLI
// ask about the room. It composes the HSM client (one worker process per module), the USB
// watcher, the OS probes and the room checks, and decides between a real PKCS#11 module
// and a throwaway SoftHSM2 rehearsal token:
//   module path from the option, else CONCLAVE_PKCS11_MODULE, else <dataDir>/settings.json
//   (written by useModule), else rehearsal (or nothing, when the caller says so).
// A module that fails to load is reported in the snapshot (moduleError); getStatus and
// checkRoom never throw for it.
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type {
  ErrorValue,
  ModuleCandidate,
  ModuleInfo,
  RehearsalInfo,
  RoomReport,
  StatusSnapshot,
  TokenFacts,
  UsbEvent,
  UsbStatus,
} from '../../preload/contract';
import { DomainError } from '../../native/errors';
import { listModuleCandidates, softHsmModulePath } from '../../native/hsm/module-candidates';
import { UsbWatcher } from '../../native/usb/usb-watcher';
import { forkHsmClient, type HsmClientEvent } from '../hsm/hsm-client';
import { ensureRehearsalToken } from '../hsm/rehearsal-token';
import type { HsmPort, Mechanism } from '../hsm/hsm-port';
import { buildRoomReport } from '../room/room-checks';
import { probeRoom, type OsFacts, type RoomProbeOptions } from '../room/probe-room';
import { toErrorValue } from './error-value';
import { readSettings, SETTINGS_FILE, updateSettings } from './settings';
import type { ActiveHsm, StatusEvent, StatusService } from './types';

/** Creates an HSM client whose worker runs with `env` (SOFTHSM2_CONF reaches the module this way). */
export type HsmFactory = (env: NodeJS.ProcessEnv) => HsmPort;

/** What ensureRehearsalToken (main/hsm/rehearsal-token.ts) reports; the service needs these fields. */
export interface RehearsalToken {
  confPath: string;
  tokenDirectory: string;
  label: string;
  created: boolean;
  /** The SoftHSM2 library serving the token; deps.softhsmModulePath when left out. */
  modulePath?: string;
}

export interface StatusServiceDeps {
  hsm: HsmFactory;
  ensureRehearsalToken: (dataDir: string) => Promise<RehearsalToken>;
  /** The SoftHSM2 PKCS#11 library the rehearsal token is used through, if the token does not say. */
  softhsmModulePath: string;
  listModuleCandidates: () => Promise<ModuleCandidate[]> | ModuleCandidate[];
}

export interface StatusServiceOptions extends Partial<StatusServiceDeps> {
  /** Where settings.json and the rehearsal token live. */
  dataDir: string;
  /**
   * A path: use that module. null: rehearse, whatever else is configured.
   * Undefined: CONCLAVE_PKCS11_MODULE, then settings.json, then `whenUnconfigured`.
   */
  modulePath?: string | null;
  /** With no module configured: make the rehearsal token (the app) or report none (doctor). */
  whenUnconfigured?: 'rehearsal' | 'none';
  /** Environment for module resolution and the worker; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** A watcher to use (its owner starts and stops it); null turns USB watching off. */
  usb?: UsbWatcher | null;
  /** Roots and clock for the OS probes (tests point them at fake trees). */
  room?: RoomProbeOptions;
  now?: () => Date;
}

type Plan =
  | { kind: 'module'; path: string; origin: string }
  | { kind: 'rehearsal'; requested: boolean }
  | { kind: 'none'; error: ErrorValue | null };

/** HsmClient announces worker crashes and restarts; HsmPort does not require it. */
interface WorkerAnnouncer {
  onEvent(listener: (event: HsmClientEvent) => void): () => void;
}

function announcesWorkerEvents(port: HsmPort): port is HsmPort & WorkerAnnouncer {
  return typeof (port as Partial<WorkerAnnouncer>).onEvent === 'function';
}

/** Debian's SoftHSM2 location, named in errors when SoftHSM2 is not found anywhere. */
const DEFAULT_SOFTHSM_PATH = '/usr/lib/softhsm/libsofthsm2.so';

const LOAD_FALLBACK = {
  code: 'MODULE_LOAD_FAILED',
  action: 'Check that the path is the PKCS#11 library of your HSM vendor, built for this machine, and that the HSM software (daemon, drivers) is installed.',
};
const LIST_FALLBACK = { code: 'TOKEN_LIST_FAILED', action: 'Check that the HSM is connected and its software is running, then refresh.' };

function closedError(): DomainError {
  return new DomainError({
    code: 'SERVICE_CLOSED',
    message: 'The status service has been closed.',
    action: 'Restart Conclave.',
  });
}

function checkModuleFile(path: string, origin: string): void {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    throw new DomainError({
      code: 'MODULE_NOT_FOUND',
      message: `No PKCS#11 library at ${path} (from ${origin}).`,
      action: "Check the path: it must name your HSM vendor's PKCS#11 library (a .so file) on this machine.",
    });
  }
}

class Service implements StatusService {
  private readonly env: NodeJS.ProcessEnv;
  private readonly deps: StatusServiceDeps;
  private readonly listeners = new Set<(event: StatusEvent) => void>();
  private readonly usb: UsbWatcher | null;
  private readonly ownsUsb: boolean;
  private readonly unsubscribeUsb: (() => void) | null;
  private readonly probe: () => OsFacts;
  private readonly now: () => Date;
  private readonly usbStarted: Promise<unknown>;

  private plan: Plan | null = null;
  private port: HsmPort | null = null;
  private module: ModuleInfo | null = null;
  private moduleError: ErrorValue | null = null;
  private tokens: TokenFacts[] = [];
  private tokensError: ErrorValue | null = null;
  private rehearsalToken: RehearsalToken | null = null;
  private unsubscribeWorker: (() => void) | null = null;
  private recovering = false;
  private initialized = false;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: StatusServiceOptions, deps: StatusServiceDeps) {
    this.env = options.env ?? process.env;
    this.deps = deps;
    this.now = options.now ?? (() => new Date());
    const roomOptions = { ...options.room, now: options.room?.now ?? this.now };
    this.probe = () => probeRoom(roomOptions);

    if (options.usb === null) {
      this.usb = null;
      this.ownsUsb = false;
    } else {
      this.usb = options.usb ?? new UsbWatcher();
      this.ownsUsb = options.usb === undefined;
    }
    this.unsubscribeUsb = this.usb
      ? this.usb.subscribe((change) => {
          const status: UsbStatus = change.status;
          const event: UsbEvent | null = change.event;
          this.emit({ name: 'usbChanged', payload: { status, event } });
        })
      : null;
    // The first scan is awaited before the first snapshot, so it never says "not scanned".
    this.usbStarted = this.usb && !this.usb.running ? this.usb.start().catch(() => undefined) : Promise.resolve();
  }

  getStatus(): Promise<StatusSnapshot> {
    return this.exclusive(async () => {
      await this.ensureInitialized();
      return this.snapshot();
    });
  }

  checkRoom(): Promise<RoomReport> {
    return this.exclusive(async () => {
      await this.ensureInitialized();
      await this.listTokens();
      return this.roomReport();
    });
  }

  async listModuleCandidates(): Promise<ModuleCandidate[]> {
    this.assertOpen();
    return this.deps.listModuleCandidates();
  }

  useModule(path: string): Promise<StatusSnapshot> {
    return this.exclusive(async () => {
      await this.usbStarted;
      if (!isAbsolute(path)) {
        throw new DomainError({
          code: 'MODULE_PATH_NOT_ABSOLUTE',
          message: `The module path "${path}" is not absolute, so it cannot be remembered reliably.`,
          action: 'Give the full path of the PKCS#11 library, starting with /.',
        });
      }
      const origin = 'the module chosen in Conclave';
      checkModuleFile(path, origin);
      const port = this.deps.hsm({ ...this.env });
      let module: ModuleInfo;
      try {
        module = await port.loadModule(path);
      } catch (error) {
        await port.close().catch(() => undefined);
        const value = toErrorValue(error, LOAD_FALLBACK);
        throw new DomainError({ code: value.code, message: `${path}: ${value.message}`, action: value.action });
      }
      await this.release();
      this.plan = { kind: 'module', path, origin };
      this.attach(port);
      this.module = module;
      this.moduleError = null;
      this.rehearsalToken = null;
      this.initialized = true;
      updateSettings(this.options.dataDir, { modulePath: path });
      await this.listTokens();
      const snapshot = this.snapshot();
      this.emit({ name: 'statusChanged', payload: snapshot });
      return snapshot;
    });
  }

  refreshTokens(): Promise<StatusSnapshot> {
    return this.exclusive(async () => {
      await this.ensureInitialized();
      if (this.usb) await this.usb.refresh();
      await this.listTokens();
      const snapshot = this.snapshot();
      this.emit({ name: 'statusChanged', payload: snapshot });
      return snapshot;
    });
  }

  getMechanisms(slotId: string): Promise<Mechanism[]> {
    return this.exclusive(async () => {
      await this.ensureInitialized();
      if (!this.port || !this.module) {
        throw new DomainError({
          code: 'NO_MODULE',
          message: 'No PKCS#11 module is loaded, so no mechanisms can be listed.',
          action: this.moduleError?.action ?? 'Choose a PKCS#11 module first.',
        });
      }
      return this.port.mechanisms(slotId);
    });
  }

  activeHsm(): Promise<ActiveHsm | null> {
    return this.exclusive(async () => {
      await this.ensureInitialized();
      if (!this.port || !this.module) return null;
      return { port: this.port, rehearsal: this.plan?.kind === 'rehearsal' };
    });
  }

  subscribe(listener: (event: StatusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeUsb?.();
    if (this.ownsUsb) this.usb?.stop();
    this.listeners.clear();
    // Let a running operation finish before the worker goes away.
    await this.queue.catch(() => undefined);
    await this.release();
  }

  // --- internals -------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  /** Runs operations one at a time, so a module switch never interleaves with a listing. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private emit(event: StatusEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One failing listener must not starve the others.
      }
    }
  }

  private resolvePlan(): Plan {
    const { modulePath } = this.options;
    if (typeof modulePath === 'string') return { kind: 'module', path: modulePath, origin: 'the module option' };
    if (modulePath === null) return { kind: 'rehearsal', requested: true };
    const fromEnv = this.env.CONCLAVE_PKCS11_MODULE;
    if (fromEnv && fromEnv.trim() !== '') return { kind: 'module', path: fromEnv, origin: 'CONCLAVE_PKCS11_MODULE' };
    const settings = readSettings(this.options.dataDir);
    if (!settings.ok) return { kind: 'none', error: settings.error.toValue() };
    if (settings.settings.modulePath) {
      return { kind: 'module', path: settings.settings.modulePath, origin: join(this.options.dataDir, SETTINGS_FILE) };
    }
    return this.options.whenUnconfigured === 'none' ? { kind: 'none', error: null } : { kind: 'rehearsal', requested: false };
  }

  private async ensureInitialized(): Promise<void> {
    if (this.initialized) return;
    this.initialized = true;
    await this.usbStarted;
    const plan = this.resolvePlan();
    this.plan = plan;
    if (plan.kind === 'none') {
      this.moduleError = plan.error;
      return;
    }
    if (plan.kind === 'module') {
      try {
        checkModuleFile(plan.path, plan.origin);
      } catch (error) {
        this.moduleError = toErrorValue(error, LOAD_FALLBACK);
        return;
      }
      await this.load(plan.path, { ...this.env });
    } else {
      let token: RehearsalToken;
      try {
        token = await this.deps.ensureRehearsalToken(this.options.dataDir);
      } catch (error) {
        this.moduleError = toErrorValue(error, {
          code: 'REHEARSAL_TOKEN_FAILED',
          action: `Check that SoftHSM2 is installed (softhsm2-util) and that ${this.options.dataDir} is writable.`,
        });
        return;
      }
      this.rehearsalToken = token;
      await this.load(this.rehearsalModulePath(), { ...this.env, SOFTHSM2_CONF: token.confPath });
    }
    if (this.module) await this.listTokens();
  }

  private async load(path: string, env: NodeJS.ProcessEnv): Promise<void> {
    const port = this.deps.hsm(env);
    this.attach(port);
    try {
      this.module = await port.loadModule(path);
      this.moduleError = null;
    } catch (error) {
      this.module = null;
      this.moduleError = toErrorValue(error, LOAD_FALLBACK);
    }
  }

  private attach(port: HsmPort): void {
    this.port = port;
    if (!announcesWorkerEvents(port)) return;
    this.unsubscribeWorker = port.onEvent((event) => {
      // A crash or hang: restart the worker now (listing tokens does it, reloading the
      // module) rather than on the operator's next click. A restart caused by someone
      // else's call: re-read the tokens too. Events raised by this recovery itself are
      // ignored, so a module that crashes on every load cannot loop.
      if (this.recovering) return;
      if (event.type === 'worker-crashed' || event.type === 'worker-unresponsive' || event.type === 'worker-restarted') {
        this.recover(port);
      }
    });
  }

  private recover(port: HsmPort): void {
    this.recovering = true;
    void this.exclusive(async () => {
      try {
        if (this.port !== port || this.closed) return;
        await this.listTokens();
        if (port.module) {
          this.module = port.module;
        } else if (this.tokensError) {
          // The restarted worker could not reload the module.
          this.module = null;
          this.moduleError = this.tokensError;
          this.tokensError = null;
        }
        this.emit({ name: 'statusChanged', payload: this.snapshot() });
      } finally {
        this.recovering = false;
      }
    }).catch(() => {
      this.recovering = false;
    });
  }

  private async release(): Promise<void> {
    this.unsubscribeWorker?.();
    this.unsubscribeWorker = null;
    const port = this.port;
    this.port = null;
    this.module = null;
    this.tokens = [];
    this.tokensError = null;
    if (port) await port.close().catch(() => undefined);
  }

  private async listTokens(): Promise<void> {
    if (!this.port || !this.module) {
      this.tokens = [];
      this.tokensError = null;
      return;
    }
    try {
      this.tokens = await this.port.listTokens();
      this.tokensError = null;
    } catch (error) {
      this.tokens = [];
      this.tokensError = toErrorValue(error, LIST_FALLBACK);
    }
  }

  private rehearsalModulePath(): string {
    return this.rehearsalToken?.modulePath ?? this.deps.softhsmModulePath;
  }

  private usbStatus(): UsbStatus {
    if (!this.usb) return { available: false, reason: 'USB unavailable: USB watching is turned off.', devices: [] };
    return this.usb.status;
  }

  private rehearsalInfo(): RehearsalInfo {
    const plan = this.plan;
    if (plan?.kind === 'rehearsal') {
      const where = this.rehearsalToken?.tokenDirectory ?? join(this.options.dataDir, 'rehearsal');
      const made = this.rehearsalToken && !this.rehearsalToken.created ? 'uses the throwaway SoftHSM2 rehearsal token it made' : 'made a throwaway SoftHSM2 rehearsal token';
      const why = plan.requested ? 'Rehearsal was requested' : 'No PKCS#11 module is configured';
      return {
        active: true,
        reason: `${why}, so Conclave ${made} in ${where}; nothing done here counts for production.`,
        tokenDirectory: this.rehearsalToken?.tokenDirectory ?? null,
      };
    }
    if (plan?.kind === 'module') {
      return { active: false, reason: `Using the PKCS#11 module ${plan.path} (from ${plan.origin}).`, tokenDirectory: null };
    }
    return {
      active: false,
      reason: plan?.kind === 'none' && plan.error ? plan.error.message : 'No PKCS#11 module is configured and rehearsal is off.',
      tokenDirectory: null,
    };
  }

  private roomReport(): RoomReport {
    const rehearsal = this.plan?.kind === 'rehearsal';
    const modulePath = this.plan?.kind === 'module' ? this.plan.path : rehearsal ? this.rehearsalModulePath() : null;
    return buildRoomReport(
      {
        ...this.probe(),
        usb: this.usbStatus(),
        hsm: { modulePath, module: this.module, moduleError: this.moduleError, tokens: this.tokens, tokensError: this.tokensError },
      },
      { rehearsal, generatedAt: this.now() },
    );
  }

  private snapshot(): StatusSnapshot {
    return {
      rehearsal: this.rehearsalInfo(),
      module: this.module,
      moduleError: this.moduleError ?? this.tokensError,
      tokens: this.tokens,
      usb: this.usbStatus(),
      room: this.roomReport(),
    };
  }
}

export function createStatusServiceWith(options: StatusServiceOptions, deps: StatusServiceDeps): StatusService {
  return new Service(options, deps);
}

/**
 * The status service with Node defaults: HSM workers as forked child processes, the
 * rehearsal token from main/hsm/rehearsal-token.ts, the known module locations. The
 * Electron shell passes its own `hsm` factory (utilityProcess workers) and, if its
 * rehearsal token must be made through that factory too, its own ensureRehearsalToken.
 */
export function createStatusService(options: StatusServiceOptions): StatusService {
  const softhsm = options.softhsmModulePath ?? softHsmModulePath();
  return createStatusServiceWith(options, {
    hsm: options.hsm ?? ((env) => forkHsmClient({ env })),
    ensureRehearsalToken: options.ensureRehearsalToken ?? ((dataDir) => ensureRehearsalToken(dataDir, softhsm ? { modulePath: softhsm } : {})),
    softhsmModulePath: softhsm ?? DEFAULT_SOFTHSM_PATH,
    listModuleCandidates: options.listModuleCandidates ?? (() => listModuleCandidates()),
  });
}
