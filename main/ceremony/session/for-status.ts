// The ceremony service over the status service's HSM client: how the app and the browser
// tests compose them. One client for status, quorum and ceremony, because a login lives
// in the worker that made it and the status screen must see the same token.
import { DomainError } from '../../../native/errors';
import { HsmClient } from '../../hsm/hsm-client';
import type { StatusService } from '../../status/types';
import { createCeremonyService, type CeremonyService, type CeremonySessionOptions } from './session';

export function ceremonyServiceForStatus(status: StatusService, options: Omit<CeremonySessionOptions, 'hsm'>): CeremonyService {
  return createCeremonyService({
    ...options,
    hsm: async () => {
      const active = await status.activeHsm();
      if (!active) return null;
      if (!(active.port instanceof HsmClient)) {
        throw new DomainError({
          code: 'HSM_CLIENT_UNSUITABLE',
          message: 'The HSM connection in use cannot generate keys or sign, so no ceremony can use it.',
          action: 'This is a fault in how Conclave was started; report it.',
        });
      }
      return { client: active.port, rehearsal: active.rehearsal };
    },
  });
}
