// The main-side client of the HSM worker. It sends one request at a time (the worker
// answers in order, and a timer should measure one call, not the queue before it),
// turns error values back into DomainErrors, and survives the worker: a worker that
// crashes or stops answering fails the calls in flight with a clear error and is
// restarted on the next call, with the module it had loaded reloaded. Logins are never
// replayed: a restarted worker starts logged out, and the person logs in again.
import { DomainError } from '../../native/errors';
import { forkTransportFactory } from '../../native/hsm/fork-transport';
import type {
  DerivedKeyTarget,
  EcdhCurve,
  EcdhKdf,
  EcdhKeyPair,
  GeneratedKey,
  HsmArgs,
  HsmOp,
  HsmResult,
  KeyCheckValue,
  KeyInfo,
  KeyRole,
  KeySpecType,
  MechanismFacts,
  ObjectClassName,
  ObjectHandle,
  ObjectSummary,
  PublicKeyExport,
  SessionFacts,
  SignMechanism,
  SlotFacts,
  UnwrapTarget,
  UserType,
  WrapMechanism,
} from '../../native/hsm/protocol';
import { parseResponse } from '../../native/hsm/protocol';
import type { TransportFactory, WorkerExitInfo, WorkerTransport } from '../../native/hsm/transport';
import type { ErrorValue, ModuleInfo, TokenFacts } from '../../preload/contract';
import type { HsmPort, Mechanism } from './hsm-port';
import { toTokenFacts } from './token-state';
import { defaultWorkerScript } from './worker-script';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** RSA key generation in software tokens can take minutes (SoftHSM2: RSA-4096 often 10–60 s). */
export const RSA_KEYGEN_TIMEOUT_MS = 300_000;

export interface HsmClientOptions {
  /** How long one call may take before the worker counts as hung; default 30 s. */
  timeoutMs?: number;
  /** The worker script the transport starts (informational for custom transports). */
  workerScript?: string;
}

export interface CallOptions {
  /** Overrides the timeout for this call only. */
  timeoutMs?: number;
}

export type HsmClientEvent =
  | { type: 'worker-crashed'; code: number | null; signal: string | null; during: string | null; at: string }
  | { type: 'worker-unresponsive'; during: string; timeoutMs: number; at: string }
  | { type: 'worker-restarted'; moduleReloaded: boolean; module: ModuleInfo | null; error: ErrorValue | null; at: string };

export interface GenerateKeyRequest {
  slotId: string;
  type: KeySpecType;
  label: string;
  role: KeyRole;
  /** CKA_ID as hex; when left out, a fresh random id from the token's RNG (the OS CSPRNG if the token's RNG refuses: an id names a key, it is not key material). */
  id?: string;
}

export interface FindObjectsRequest {
  slotId: string;
  label?: string;
  id?: string;
  class?: ObjectClassName;
}

export interface SignRequest {
  key: ObjectHandle;
  mechanism: SignMechanism;
  data: Uint8Array;
}

export interface VerifyRequest extends SignRequest {
  signature: Uint8Array;
}

export interface WrapRequest {
  wrappingKey: ObjectHandle;
  key: ObjectHandle;
  mechanism: WrapMechanism;
}

export interface UnwrapRequest {
  unwrappingKey: ObjectHandle;
  wrapped: Uint8Array;
  mechanism: WrapMechanism;
  target: UnwrapTarget;
  label: string;
  role: KeyRole;
  id?: string;
  /** A session object (CKA_TOKEN false), gone when the session closes: a short-lived check copy. */
  sessionOnly?: boolean;
}

export interface ImportSessionWrapKeyRequest {
  slotId: string;
  /** The AES key value (16, 24 or 32 bytes). The worker overwrites its copy; the caller overwrites this one. */
  value: Uint8Array;
  label: string;
}

export interface DeriveEcdhRequest {
  /** An EC private key with CKA_DERIVE: the recipient's key, or the private half of generateEcdhKeyPair. */
  baseKey: ObjectHandle;
  /** The other party's public key, DER SPKI on the same curve. */
  peerSpki: Uint8Array;
  kdf: EcdhKdf;
  target: DerivedKeyTarget;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  op: HsmOp;
  worker: WorkerState;
}

interface WorkerState {
  transport: WorkerTransport;
  dead: boolean;
  closing: boolean;
  exitWaiters: Array<() => void>;
}

const OP_DESCRIPTIONS: Partial<Record<HsmOp, string>> = {
  loadModule: 'loading the PKCS#11 module',
  listSlots: 'listing slots and tokens',
  mechanisms: 'reading the mechanism list',
  initToken: 'initializing a token',
  initUserPin: 'setting the user PIN',
  changePin: 'changing a PIN',
  login: 'logging in',
  logout: 'logging out',
  generateRandom: 'generating random bytes',
  generateKey: 'generating a key',
  findObjects: 'searching the token',
  exportPublicKey: 'exporting a public key',
  sign: 'signing',
  verify: 'verifying a signature',
  wrapKey: 'wrapping a key',
  unwrapKey: 'unwrapping a key',
  importWrappingPublicKey: 'importing a recipient public key',
  generateEphemeralWrapKey: 'generating an ephemeral wrapping key',
  generateEcdhKeyPair: 'generating an ECDH key pair',
  deriveEcdhKey: 'deriving a key with ECDH',
  keyCheckValue: 'computing a key check value',
  importSessionWrapKey: 'importing a wrapping key',
};

const describeOp = (op: HsmOp): string => OP_DESCRIPTIONS[op] ?? `the "${op}" request`;
const LOST = 'The ceremony state is kept; sessions and logins on the token were lost, log in again.';

export class HsmClient implements HsmPort {
  readonly workerScript: string | undefined;
  private readonly timeoutMs: number;
  private worker: WorkerState | null = null;
  private everStarted = false;
  private needsReload = false;
  private modulePath: string | null = null;
  private moduleFacts: ModuleInfo | null = null;
  private closed = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: HsmClientEvent) => void>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly factory: TransportFactory,
    options: HsmClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.workerScript = options.workerScript;
  }

  // ------------------------------------------------------------------ HsmPort

  get module(): ModuleInfo | null {
    return this.moduleFacts;
  }

  /** Loads (or reloads) a module; a failed load leaves no module loaded. */
  async loadModule(path: string, options?: CallOptions): Promise<ModuleInfo> {
    return this.enqueue(async () => {
      this.modulePath = null;
      this.moduleFacts = null;
      const worker = await this.ready(options, false);
      const facts = await this.request(worker, 'loadModule', { path }, options);
      this.modulePath = path;
      this.moduleFacts = facts;
      this.needsReload = false;
      return facts;
    });
  }

  async listTokens(options?: CallOptions): Promise<TokenFacts[]> {
    return (await this.listSlots(options)).map(toTokenFacts);
  }

  async mechanisms(slotId: string, options?: CallOptions): Promise<Mechanism[]> {
    return (await this.mechanismDetails(slotId, options)).map(({ name, value }) => ({ name, value }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (!worker || worker.dead) return;
    worker.closing = true;
    const exited = new Promise<void>((resolve) => worker.exitWaiters.push(resolve));
    const busy = [...this.pending.values()].some((p) => p.worker === worker);
    this.failPending(worker, () => closedError());
    if (busy) worker.transport.kill();
    else worker.transport.send({ id: ++this.nextId, op: 'shutdown', args: {} });
    const force = setTimeout(() => worker.transport.kill(), 2000);
    await exited;
    clearTimeout(force);
  }

  // ------------------------------------------------------------------ the rest of the worker's operations

  async unloadModule(options?: CallOptions): Promise<void> {
    await this.call('unloadModule', {}, options);
    this.modulePath = null;
    this.moduleFacts = null;
  }

  /** Every slot with raw slot and token facts (more than TokenFacts: PIN lengths, raw flags, token errors). */
  listSlots(options?: CallOptions): Promise<SlotFacts[]> {
    return this.call('listSlots', {}, options);
  }

  /** The mechanism list with key sizes and capability flags. */
  mechanismDetails(slotId: string, options?: CallOptions): Promise<MechanismFacts[]> {
    return this.call('mechanisms', { slotId }, options);
  }

  /** C_InitToken: erases the token and sets its label and SO PIN. Returns the token's new facts. */
  async initToken(slotId: string, soPin: Uint8Array, label: string, options?: CallOptions): Promise<TokenFacts> {
    return toTokenFacts(await this.call('initToken', { slotId, soPin, label }, options));
  }

  /** Sets (or resets) the user PIN as the security officer: SO login, C_InitPIN, logout. */
  async initUserPin(slotId: string, soPin: Uint8Array, userPin: Uint8Array, options?: CallOptions): Promise<void> {
    await this.call('initUserPin', { slotId, soPin, userPin }, options);
  }

  /** C_SetPIN: changes the user PIN or the SO PIN, knowing the old one. */
  async changePin(slotId: string, userType: UserType, oldPin: Uint8Array, newPin: Uint8Array, options?: CallOptions): Promise<void> {
    await this.call('changePin', { slotId, userType, oldPin, newPin }, options);
  }

  /** One C_Login. A wrong PIN fails with PIN_INCORRECT (or _COUNT_LOW, _FINAL_TRY, PIN_LOCKED) and is never retried. */
  login(slotId: string, userType: UserType, pin: Uint8Array, options?: CallOptions): Promise<SessionFacts> {
    return this.call('login', { slotId, userType, pin }, options);
  }

  logout(slotId: string, options?: CallOptions): Promise<SessionFacts> {
    return this.call('logout', { slotId }, options);
  }

  sessionState(slotId: string, options?: CallOptions): Promise<SessionFacts> {
    return this.call('sessionState', { slotId }, options);
  }

  /** Random bytes from the token's RNG (C_GenerateRandom). */
  generateRandom(slotId: string, length: number, options?: CallOptions): Promise<Uint8Array> {
    return this.call('generateRandom', { slotId, length }, options);
  }

  /** Generates a key in the token and checks its attributes by reading them back; refuses a label already in use. */
  generateKey(request: GenerateKeyRequest, options?: CallOptions): Promise<GeneratedKey> {
    const args: HsmArgs<'generateKey'> = { slotId: request.slotId, type: request.type, label: request.label, role: request.role };
    if (request.id !== undefined) args.id = request.id;
    const slow = request.type === 'rsa-3072' || request.type === 'rsa-4096';
    return this.call('generateKey', args, { timeoutMs: options?.timeoutMs ?? (slow ? Math.max(RSA_KEYGEN_TIMEOUT_MS, this.timeoutMs) : this.timeoutMs) });
  }

  /** Objects matching label and/or id (hex) and/or class. Private objects are visible only after a user login. */
  findObjects(request: FindObjectsRequest, options?: CallOptions): Promise<ObjectSummary[]> {
    const args: HsmArgs<'findObjects'> = { slotId: request.slotId };
    if (request.label !== undefined) args.label = request.label;
    if (request.id !== undefined) args.id = request.id;
    if (request.class !== undefined) args.class = request.class;
    return this.call('findObjects', args, options);
  }

  keyAttributes(handle: ObjectHandle, options?: CallOptions): Promise<KeyInfo> {
    return this.call('keyAttributes', { handle }, options);
  }

  async destroyObject(handle: ObjectHandle, options?: CallOptions): Promise<void> {
    await this.call('destroyObject', { handle }, options);
  }

  /** The SubjectPublicKeyInfo (DER and PEM) of a public key, or of a private key's public half. */
  exportPublicKey(handle: ObjectHandle, options?: CallOptions): Promise<PublicKeyExport> {
    return this.call('exportPublicKey', { handle }, options);
  }

  /** Signs in the token. ECDSA signatures come as PKCS#11 gives them: r || s (see ecdsaRawToDer). */
  sign(request: SignRequest, options?: CallOptions): Promise<Uint8Array> {
    return this.call('sign', { handle: request.key, mechanism: request.mechanism, data: request.data }, options);
  }

  /** Verifies in the token with the public key (a private key handle finds its public key by id). */
  verify(request: VerifyRequest, options?: CallOptions): Promise<boolean> {
    return this.call('verify', { handle: request.key, mechanism: request.mechanism, data: request.data, signature: request.signature }, options);
  }

  wrapKey(request: WrapRequest, options?: CallOptions): Promise<Uint8Array> {
    return this.call('wrapKey', { wrappingKey: request.wrappingKey, key: request.key, mechanism: request.mechanism }, options);
  }

  /** Unwraps into a sensitive, non-extractable key (unless role is wrap-only-export) and checks it by reading it back. */
  unwrapKey(request: UnwrapRequest, options?: CallOptions): Promise<KeyInfo> {
    const args: HsmArgs<'unwrapKey'> = {
      unwrappingKey: request.unwrappingKey,
      wrapped: request.wrapped,
      mechanism: request.mechanism,
      target: request.target,
      label: request.label,
      role: request.role,
    };
    if (request.id !== undefined) args.id = request.id;
    if (request.sessionOnly) args.sessionOnly = true;
    return this.call('unwrapKey', args, options);
  }

  /** Makes an AES key value a session-only key that can wrap and unwrap, nothing else; it is never stored on the token. */
  importSessionWrapKey(request: ImportSessionWrapKeyRequest, options?: CallOptions): Promise<KeyInfo> {
    return this.call('importSessionWrapKey', { slotId: request.slotId, secretValue: request.value, label: request.label }, options);
  }

  /** The recipient's RSA public key (DER SPKI) as a session object that may only wrap. */
  importWrappingPublicKey(slotId: string, spki: Uint8Array, options?: CallOptions): Promise<KeyInfo> {
    return this.call('importWrappingPublicKey', { slotId, spki }, options);
  }

  /** A fresh AES-256 session key, sensitive but extractable, that may only wrap (the ephemeral key of RSA-AES key wrap). */
  generateEphemeralWrapKey(slotId: string, options?: CallOptions): Promise<KeyInfo> {
    return this.call('generateEphemeralWrapKey', { slotId }, options);
  }

  /** A fresh session EC key pair whose private half may only derive; `spki` is its public half for the other party. */
  generateEcdhKeyPair(slotId: string, curve: EcdhCurve, options?: CallOptions): Promise<EcdhKeyPair> {
    return this.call('generateEcdhKeyPair', { slotId, curve }, options);
  }

  /** ECDH of a private key with the peer's public key into an AES-256 key (a session key, or a token KEK), read back. */
  deriveEcdhKey(request: DeriveEcdhRequest, options?: CallOptions): Promise<KeyInfo> {
    return this.call('deriveEcdhKey', { baseKey: request.baseKey, peerSpki: request.peerSpki, kdf: request.kdf, target: request.target }, options);
  }

  /** The check value of an AES key-encryption key (docs/key-wrapping.md, "Key check value"). */
  keyCheckValue(handle: ObjectHandle, options?: CallOptions): Promise<KeyCheckValue> {
    return this.call('keyCheckValue', { handle }, options);
  }

  /** The worker's pid and instance id; starts the worker if none runs. */
  ping(options?: CallOptions): Promise<{ pid: number; instance: string }> {
    return this.call('ping', {}, options);
  }

  /** The pid of the running worker, if one runs. */
  get workerPid(): number | undefined {
    return this.worker && !this.worker.dead ? this.worker.transport.pid : undefined;
  }

  /** Crash, hang and restart notices, for the UI to show. Returns the unsubscribe function. */
  onEvent(listener: (event: HsmClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ machinery

  private call<O extends HsmOp>(op: O, args: HsmArgs<O>, options?: CallOptions): Promise<HsmResult<O>> {
    return this.enqueue(async () => {
      const worker = await this.ready(options, true);
      return this.request(worker, op, args, options);
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      if (this.closed) throw closedError();
      return task();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** The running worker, started (and its module reloaded) if the last one died. */
  private async ready(options: CallOptions | undefined, reload: boolean): Promise<WorkerState> {
    let worker = this.worker;
    if (!worker || worker.dead) {
      worker = this.start();
    }
    if (reload && this.needsReload) {
      const path = this.modulePath;
      let error: DomainError | null = null;
      if (path) {
        try {
          this.moduleFacts = await this.request(worker, 'loadModule', { path }, options);
          this.needsReload = false;
        } catch (e) {
          error = asDomainError(e);
          // Nothing is loaded in this worker now; `module` must say so (the path is kept,
          // so the next call tries the reload again).
          this.moduleFacts = null;
        }
      } else {
        this.needsReload = false;
      }
      this.emit({
        type: 'worker-restarted',
        moduleReloaded: path !== null && error === null,
        module: error === null ? this.moduleFacts : null,
        error: error ? error.toValue() : null,
        at: new Date().toISOString(),
      });
      if (error) {
        throw new DomainError({
          code: error.code,
          message: `The HSM worker was restarted, but reloading the module ${path} failed: ${error.message}`,
          action: error.action,
          ...(error.detail !== undefined ? { detail: error.detail } : {}),
        });
      }
      if (worker.dead) return this.ready(options, reload);
    }
    return worker;
  }

  private start(): WorkerState {
    let transport: WorkerTransport;
    try {
      transport = this.factory();
    } catch (error) {
      throw new DomainError({
        code: 'WORKER_START_FAILED',
        message: `The HSM worker process could not be started: ${(error as Error).message}.`,
        action: 'Check that Conclave is built (npm run build) and installed completely, then try again.',
      });
    }
    const worker: WorkerState = { transport, dead: false, closing: false, exitWaiters: [] };
    transport.onMessage((message) => this.onMessage(worker, message));
    transport.onExit((info) => this.onExit(worker, info));
    if (this.everStarted) this.needsReload = true;
    this.everStarted = true;
    this.worker = worker;
    return worker;
  }

  private request<O extends HsmOp>(worker: WorkerState, op: O, args: HsmArgs<O>, options?: CallOptions): Promise<HsmResult<O>> {
    const timeoutMs = options?.timeoutMs ?? this.timeoutMs;
    return new Promise<HsmResult<O>>((resolve, reject) => {
      if (worker.dead) {
        reject(crashedError(null, op));
        return;
      }
      const id = ++this.nextId;
      const timer = setTimeout(() => this.onTimeout(worker, id, timeoutMs), timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, op, worker });
      try {
        worker.transport.send({ id, op, args });
      } catch {
        // The transport refuses to send to a worker that has stopped; its exit report may still be on its way.
        this.pending.delete(id);
        clearTimeout(timer);
        worker.dead = true;
        if (this.worker === worker) this.worker = null;
        this.needsReload = this.modulePath !== null;
        this.failPending(worker, (pendingOp) => crashedError(null, pendingOp));
        reject(crashedError(null, op));
        this.emit({ type: 'worker-crashed', code: null, signal: null, during: op, at: new Date().toISOString() });
      }
    });
  }

  private onMessage(worker: WorkerState, message: unknown): void {
    const response = parseResponse(message);
    if (!response) return;
    const pending = this.pending.get(response.id);
    if (!pending || pending.worker !== worker) return;
    this.pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.result);
    else pending.reject(new DomainError(response.error));
  }

  private onExit(worker: WorkerState, info: WorkerExitInfo): void {
    const wasDead = worker.dead;
    worker.dead = true;
    for (const resolve of worker.exitWaiters.splice(0)) resolve();
    if (this.worker === worker) this.worker = null;
    if (wasDead || worker.closing) return;
    // An unexpected exit: whatever was in flight is lost with the worker's sessions.
    const during = [...this.pending.values()].find((p) => p.worker === worker)?.op ?? null;
    this.failPending(worker, (op) => crashedError(info, op));
    this.needsReload = this.modulePath !== null;
    this.emit({ type: 'worker-crashed', code: info.code, signal: info.signal, during, at: new Date().toISOString() });
  }

  private onTimeout(worker: WorkerState, id: number, timeoutMs: number): void {
    const pending = this.pending.get(id);
    if (!pending || worker.dead) return;
    worker.dead = true;
    if (this.worker === worker) this.worker = null;
    worker.transport.kill();
    this.failPending(worker, (op) => unresponsiveError(pending.op, op, timeoutMs));
    this.needsReload = this.modulePath !== null;
    this.emit({ type: 'worker-unresponsive', during: pending.op, timeoutMs, at: new Date().toISOString() });
  }

  private failPending(worker: WorkerState, error: (op: HsmOp) => DomainError): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(error(p.op));
    }
  }

  private emit(event: HsmClientEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the client.
      }
    }
  }
}

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  return new DomainError({ code: 'WORKER_INTERNAL_ERROR', message: String((error as Error)?.message ?? error), action: 'Report this problem.' });
}

function crashedError(info: WorkerExitInfo | null, op: HsmOp): DomainError {
  const how = info?.signal ? `signal ${info.signal}` : info?.code !== null && info?.code !== undefined ? `exit code ${info.code}` : 'it exited';
  return new DomainError({
    code: 'WORKER_CRASHED',
    message: `HSM worker crashed (${how}) while ${describeOp(op)}. ${LOST}`,
    action:
      'Log in to the token again and repeat the step. If the worker keeps crashing, the PKCS#11 module or the token is failing: reconnect the token, check the vendor module, and record the exception in the transcript.',
    detail: `worker exit: code=${info?.code ?? 'null'} signal=${info?.signal ?? 'null'}`,
  });
}

function unresponsiveError(timedOut: HsmOp, op: HsmOp, timeoutMs: number): DomainError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  const what = timedOut === op ? describeOp(op) : `${describeOp(op)} (waiting behind ${describeOp(timedOut)})`;
  return new DomainError({
    code: 'WORKER_UNRESPONSIVE',
    message: `HSM worker stopped answering: no reply within ${seconds} s while ${what}, so it was stopped and will be restarted. ${LOST}`,
    action:
      'Check that the token is connected and not waiting for a touch or a PIN-pad entry, then log in again and repeat the step. If it happens again, the module or token is hanging: reconnect it and record the exception.',
    detail: `timeout after ${timeoutMs} ms`,
  });
}

function closedError(): DomainError {
  return new DomainError({
    code: 'WORKER_CLOSED',
    message: 'The HSM connection has been closed.',
    action: 'Restart Conclave (or open a new HSM client) to use the token again.',
  });
}

export interface ForkHsmClientOptions extends HsmClientOptions {
  /** Environment of the worker (e.g. with SOFTHSM2_CONF); defaults to this process's. */
  env?: NodeJS.ProcessEnv;
}

/** An HsmClient whose worker is a Node child process running dist/native/hsm-worker.cjs. */
export function forkHsmClient(options: ForkHsmClientOptions = {}): HsmClient {
  const workerScript = options.workerScript ?? defaultWorkerScript();
  const factory = forkTransportFactory(options.env ? { workerScript, env: options.env } : { workerScript });
  const clientOptions: HsmClientOptions = { workerScript };
  if (options.timeoutMs !== undefined) clientOptions.timeoutMs = options.timeoutMs;
  return new HsmClient(factory, clientOptions);
}
