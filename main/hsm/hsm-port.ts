// The slice of the HSM client that status, room checks and the CLI need. HsmClient
// (main/hsm/hsm-client.ts) implements it over the worker process; unit tests of the code
// around it may use a fake, always beside a test against SoftHSM2.
import type { ModuleInfo, TokenFacts } from '../../preload/contract';

export interface Mechanism {
  /** PKCS#11 name, e.g. "CKM_AES_KEY_WRAP_PAD"; "CKM_0x…" for values without a known name. */
  name: string;
  value: number;
}

export interface HsmPort {
  /** Loads (or reloads) the PKCS#11 module in the worker; replaces any module loaded before. */
  loadModule(path: string): Promise<ModuleInfo>;
  /** The module loaded now, or null. Survives worker restarts (the client reloads it). */
  readonly module: ModuleInfo | null;
  /** Every slot of the loaded module, with its token's facts and derived state. */
  listTokens(): Promise<TokenFacts[]>;
  /** The mechanism list of the token in `slotId` (decimal string). */
  mechanisms(slotId: string): Promise<Mechanism[]>;
  /** Stops the worker; further calls fail with a DomainError. */
  close(): Promise<void>;
}
