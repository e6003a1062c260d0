// Maps each contract channel onto the status service. The router has already checked
// the sender and parsed the request, so these stay one line each.
import type { StatusService } from '../status/types';
import type { Handlers } from './router';

export function handlersFor(service: StatusService): Handlers {
  return {
    getStatus: () => service.getStatus(),
    checkRoom: () => service.checkRoom(),
    listModuleCandidates: () => service.listModuleCandidates(),
    useModule: ({ path }) => service.useModule(path),
    refreshTokens: () => service.refreshTokens(),
    getMechanisms: ({ slotId }) => service.getMechanisms(slotId),
  };
}
