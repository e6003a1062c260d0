// A scripted StatusService for router and handler unit tests. The real service is
// exercised against SoftHSM2 by the Room helper's integration tests and by the browser
// tests; here only the IPC plumbing around it is under test.
import type { RoomReport, StatusSnapshot } from '../../../preload/contract';
import type { Mechanism } from '../../../main/hsm/hsm-port';
import type { StatusEvent, StatusService } from '../../../main/status/types';

export const room: RoomReport = {
  generatedAt: '2025-01-01T00:00:00.000Z',
  rehearsal: true,
  ready: false,
  checks: [{ id: 'clock', title: 'System clock', status: 'warn', reason: 'The clock is not in UTC.', action: 'Set TZ=UTC.' }],
};

export const snapshot: StatusSnapshot = {
  rehearsal: { active: true, reason: 'No PKCS#11 module is configured.', tokenDirectory: '/tmp/rehearsal' },
  module: {
    path: '/usr/lib/softhsm/libsofthsm2.so',
    libraryDescription: 'Implementation of PKCS11',
    manufacturer: 'SoftHSM',
    cryptokiVersion: '2.40',
    libraryVersion: '2.6',
  },
  moduleError: null,
  tokens: [],
  usb: { available: false, reason: 'USB unavailable: /sys/bus/usb is absent', devices: [] },
  room,
};

export interface Call {
  method: string;
  args: unknown[];
}

export class FakeStatusService implements StatusService {
  readonly calls: Call[] = [];
  /** When set, the next call to any method throws this. */
  throwNext: unknown = undefined;
  /** When set, getStatus resolves to this instead of the valid snapshot. */
  statusOverride: unknown = undefined;
  mechanismList: Mechanism[] = [{ name: 'CKM_AES_KEY_WRAP_PAD', value: 0x210a }];
  private listeners = new Set<(event: StatusEvent) => void>();

  private record<T>(method: string, args: unknown[], value: T): Promise<T> {
    this.calls.push({ method, args });
    if (this.throwNext !== undefined) {
      const error = this.throwNext;
      this.throwNext = undefined;
      return Promise.reject(error);
    }
    return Promise.resolve(value);
  }

  getStatus() {
    return this.record('getStatus', [], (this.statusOverride ?? snapshot) as StatusSnapshot);
  }
  checkRoom() {
    return this.record('checkRoom', [], room);
  }
  listModuleCandidates() {
    return this.record('listModuleCandidates', [], [{ vendor: 'SoftHSM2', path: '/usr/lib/softhsm/libsofthsm2.so', exists: true }]);
  }
  useModule(path: string) {
    return this.record('useModule', [path], { ...snapshot, rehearsal: { active: false, reason: 'A module was chosen.', tokenDirectory: null } });
  }
  refreshTokens() {
    return this.record('refreshTokens', [], snapshot);
  }
  getMechanisms(slotId: string) {
    return this.record('getMechanisms', [slotId], this.mechanismList);
  }
  activeHsm() {
    return this.record('activeHsm', [], null);
  }
  subscribe(listener: (event: StatusEvent) => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
  emit(event: StatusEvent) {
    for (const listener of this.listeners) listener(event);
  }
  close() {
    return Promise.resolve();
  }
}
