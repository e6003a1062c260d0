// The slice of the HSM client an import uses: the wrap methods' calls plus loading the
// module, listing tokens and one login. HsmClient (main/hsm/hsm-client.ts) has all of it;
// a status-only HsmPort does not, which isImportHsm tells apart.
import type { HsmClient } from '../../hsm/hsm-client';
import type { HsmPort } from '../../hsm/hsm-port';
import type { WrapHsm } from '../wrap/wrap-hsm';

export type ImportHsm = WrapHsm & HsmPort & Pick<HsmClient, 'login' | 'logout' | 'sessionState'>;

const NEEDED = ['login', 'logout', 'sessionState', 'findObjects', 'keyAttributes', 'unwrapKey', 'destroyObject', 'listTokens', 'loadModule'] as const;

export function isImportHsm(port: HsmPort): port is ImportHsm {
  const candidate = port as unknown as Record<string, unknown>;
  return NEEDED.every((name) => typeof candidate[name] === 'function');
}
