// The PKCS#11 adapter run inside the test process over the real SoftHSM2 module, with an
// optional hook in front of chosen pkcs11js calls. It is for what SoftHSM2 itself never
// does (lock a PIN, ignore a key template) and for counting calls: everything not hooked
// goes to the real module.
import { PKCS11 } from 'pkcs11js';
import { Pkcs11Backend, type Pkcs11Api } from '../../native/hsm/pkcs11-backend';
import type { SoftHsmFixture } from './softhsm';

export type Hooks = Partial<Record<string, (real: (...args: unknown[]) => unknown, ...args: unknown[]) => unknown>>;

export interface InProcess {
  backend: Pkcs11Backend;
  calls: Map<string, number>;
}

/** A backend whose module calls go through `hooks`; SOFTHSM2_CONF is set for this process. */
export function inProcessBackend(fixture: SoftHsmFixture, hooks: Hooks = {}): InProcess {
  process.env.SOFTHSM2_CONF = fixture.confPath;
  const calls = new Map<string, number>();
  const factory = (): Pkcs11Api => {
    const real = new PKCS11();
    return new Proxy(real, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        return (...args: unknown[]) => {
          calls.set(property, (calls.get(property) ?? 0) + 1);
          const hook = hooks[property];
          return hook ? hook(bound, ...args) : bound(...args);
        };
      },
    });
  };
  return { backend: new Pkcs11Backend(factory), calls };
}

/** An error shaped like the ones pkcs11js throws for a PKCS#11 return value. */
export function pkcs11Error(name: string, code: number, method: string): Error {
  const error = new Error(name) as Error & { code: number; method: string };
  error.name = 'Pkcs11Error';
  error.code = code;
  error.method = method;
  return error;
}
