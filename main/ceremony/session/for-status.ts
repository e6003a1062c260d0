// The ceremony service over the status service's HSM client: how the app and the browser
// tests compose them. One client for status, quorum and ceremony, because a login lives
// in the worker that made it and the status screen must see the same token. A witness's
// own token gets a second worker from the same factory the status service uses (in the
// app a utility process, in tests a forked Node process), with its module loaded; so does
// the built-in rehearsal's recipient set-up, with the rehearsal token's configuration.
import { DomainError } from '../../../native/errors';
import { softHsmEnv } from '../../../native/softhsm/softhsm-config';
import { HsmClient } from '../../hsm/hsm-client';
import type { HsmFactory } from '../../status/status-service';
import type { StatusService } from '../../status/types';
import { createCeremonyService, type CeremonyService, type CeremonySessionOptions } from './session';

export interface StatusCeremonyOptions extends Omit<CeremonySessionOptions, 'hsm' | 'openWitnessHsm' | 'openRehearsalHsm'> {
  /** The factory the status service makes its HSM clients with. */
  hsmFactory: HsmFactory;
  /** The witness worker's environment (a token's module may read its own variables); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

function unsuitable(): DomainError {
  return new DomainError({
    code: 'HSM_CLIENT_UNSUITABLE',
    message: 'The HSM connection in use cannot generate keys or sign, so no ceremony can use it.',
    action: 'This is a fault in how Conclave was started; report it.',
  });
}

/** A fresh client with the witness's module loaded; closed again if the module does not load. */
export function witnessHsmOpener(factory: HsmFactory, env: NodeJS.ProcessEnv = process.env): (modulePath: string) => Promise<HsmClient> {
  return async (modulePath) => {
    const port = factory({ ...env });
    if (!(port instanceof HsmClient)) {
      await port.close().catch(() => undefined);
      throw unsuitable();
    }
    try {
      await port.loadModule(modulePath);
    } catch (error) {
      await port.close().catch(() => undefined);
      throw error;
    }
    return port;
  };
}

/** A fresh client (module not loaded) whose worker uses the given SoftHSM2 configuration. */
export function softHsmOpener(factory: HsmFactory, env: NodeJS.ProcessEnv = process.env): (confPath: string) => Promise<HsmClient> {
  return async (confPath) => {
    const port = factory(softHsmEnv(confPath, env));
    if (!(port instanceof HsmClient)) {
      await port.close().catch(() => undefined);
      throw unsuitable();
    }
    return port;
  };
}

export function ceremonyServiceForStatus(status: StatusService, options: StatusCeremonyOptions): CeremonyService {
  const { hsmFactory, env, ...rest } = options;
  return createCeremonyService({
    ...rest,
    openWitnessHsm: witnessHsmOpener(hsmFactory, env),
    openRehearsalHsm: softHsmOpener(hsmFactory, env),
    hsm: async () => {
      const active = await status.activeHsm();
      if (!active) return null;
      if (!(active.port instanceof HsmClient)) throw unsuitable();
      return { client: active.port, rehearsal: active.rehearsal };
    },
  });
}
