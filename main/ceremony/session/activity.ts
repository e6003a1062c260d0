// What a step is doing while it runs, for the runner's "HSM activity" panel: the step's
// own account (which custodian's envelope is being sealed, which witness signs), the HSM
// call in flight, how many calls so far, and when it began. The HSM client is watched
// through a thin proxy, so no engine action has to report anything itself.
import type { CeremonyActivity } from '../../../preload/contract';
import type { HsmClient } from '../../hsm/hsm-client';

const OPERATIONS: Record<string, string> = {
  listTokens: 'listing the slots and tokens',
  listSlots: 'listing the slots and tokens',
  mechanisms: 'reading the mechanism list',
  sessionState: 'checking the login state',
  login: 'logging in to the token',
  logout: 'logging out of the token',
  initToken: 'initializing the token',
  initUserPin: 'setting the user PIN',
  changePin: 'changing a PIN',
  generateRandom: "drawing random bytes from the token's generator",
  generateKey: 'generating a key inside the token',
  findObjects: 'searching the token for keys',
  keyAttributes: "reading a key's attributes back",
  exportPublicKey: 'exporting a public key',
  sign: 'signing inside the token',
  verify: 'verifying a signature',
  wrapKey: 'wrapping a key',
  unwrapKey: 'unwrapping a key',
};

export interface ActivityProgress {
  done: number;
  total: number;
  unit: string;
}

interface Running {
  step: string | null;
  label: string;
  startedAt: number;
  operation: string | null;
  progress: ActivityProgress | null;
  hsmCalls: number;
}

export class ActivityTracker {
  private running: Running | null = null;

  constructor(
    private readonly onChange: () => void,
    private readonly clock: () => number = Date.now,
  ) {}

  get active(): boolean {
    return this.running !== null;
  }

  begin(step: string | null, label: string): void {
    this.running = { step, label, startedAt: this.clock(), operation: null, progress: null, hsmCalls: 0 };
    this.onChange();
  }

  /** The step's own account of where it is. */
  describe(label: string, progress: ActivityProgress | null = null): void {
    if (!this.running) return;
    this.running.label = label;
    this.running.progress = progress;
    this.onChange();
  }

  /** An HSM call begins; the returned function marks its end. Calls outside an activity are not shown. */
  hsmCall(method: string): () => void {
    const running = this.running;
    if (!running) return () => undefined;
    running.operation = OPERATIONS[method] ?? `the HSM call ${method}`;
    running.hsmCalls += 1;
    this.onChange();
    return () => {
      if (this.running !== running) return;
      running.operation = null;
      this.onChange();
    };
  }

  end(): void {
    if (!this.running) return;
    this.running = null;
    this.onChange();
  }

  view(): CeremonyActivity | null {
    const r = this.running;
    if (!r) return null;
    return {
      step: r.step,
      label: r.label.slice(0, 500),
      operation: r.operation,
      startedAt: new Date(r.startedAt).toISOString(),
      elapsedMs: Math.max(0, Math.round(this.clock() - r.startedAt)),
      progress: r.progress,
      hsmCalls: r.hsmCalls,
    };
  }
}

/** The same client, with every HSM call reported to the tracker while it runs. */
export function watchedHsm(client: HsmClient, tracker: ActivityTracker): HsmClient {
  return new Proxy(client, {
    get(target, property, _receiver) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property !== 'string' || !(property in OPERATIONS)) return method.bind(target);
      return (...args: unknown[]) => {
        const done = tracker.hsmCall(property);
        try {
          const result = method.apply(target, args);
          if (result instanceof Promise) return result.finally(done);
          done();
          return result;
        } catch (error) {
          done();
          throw error;
        }
      };
    },
  });
}
