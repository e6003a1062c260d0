// What the app shell, the IPC handlers and the browser tests need from the status
// service. It composes the HSM client, the USB watcher, the room checks and the
// rehearsal token; implemented in main/status/status-service.ts.
import type {
  ModuleCandidate,
  RoomReport,
  StatusSnapshot,
  UsbEvent,
  UsbStatus,
} from '../../preload/contract';
import type { HsmPort, Mechanism } from '../hsm/hsm-port';

/** The HSM client the service uses now, for services that must share its worker (quorum logins live there). */
export interface ActiveHsm {
  port: HsmPort;
  /** True when it serves the throwaway rehearsal token. */
  rehearsal: boolean;
}

export type StatusEvent =
  | { name: 'usbChanged'; payload: { status: UsbStatus; event: UsbEvent | null } }
  | { name: 'statusChanged'; payload: StatusSnapshot };

export interface StatusService {
  getStatus(): Promise<StatusSnapshot>;
  checkRoom(): Promise<RoomReport>;
  listModuleCandidates(): Promise<ModuleCandidate[]>;
  /** Switches to a real PKCS#11 module (leaving rehearsal mode) and remembers the choice. */
  useModule(path: string): Promise<StatusSnapshot>;
  refreshTokens(): Promise<StatusSnapshot>;
  getMechanisms(slotId: string): Promise<Mechanism[]>;
  /** The HSM client in use once a module is loaded, or null; the same client the status calls use. */
  activeHsm(): Promise<ActiveHsm | null>;
  /** Live USB attach/detach and status changes; returns the unsubscribe function. */
  subscribe(listener: (event: StatusEvent) => void): () => void;
  close(): Promise<void>;
}
