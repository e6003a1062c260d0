// Facts for room-check tests: a quiet room (everything passes) that single tests spoil.
import type { ModuleInfo, TokenFacts, TokenFlags, TokenState, UsbStatus } from '../../../preload/contract';
import type { ClockReport } from '../../../native/probes/clock';
import type { NetworkReport } from '../../../native/probes/network';
import type { RemovableMediaReport } from '../../../native/probes/removable-media';
import type { RoomFacts } from '../../../main/room/room-checks';
import { readyTokenFlags } from '../../helpers/token-flags';

export const flags = readyTokenFlags;

export function token(label: string, slotId: string, state: TokenState, stateDetail = `${label} is ${state}.`, flagOverrides: Partial<TokenFlags> = {}): TokenFacts {
  return {
    slotId,
    slotDescription: 'SoftHSM slot',
    slotManufacturer: 'SoftHSM project',
    tokenPresent: true,
    removableDevice: false,
    hardwareSlot: false,
    token: {
      label,
      manufacturer: 'SoftHSM project',
      model: 'SoftHSM v2',
      serial: `serial-${slotId}`,
      firmwareVersion: '2.6',
      hardwareVersion: '2.6',
      flags: flags(flagOverrides),
      freePublicMemory: null,
      freePrivateMemory: null,
      totalPublicMemory: null,
      totalPrivateMemory: null,
      sessionCount: 0,
    },
    state,
    stateDetail,
  };
}

export const emptySlot = (slotId: string): TokenFacts => ({
  slotId,
  slotDescription: 'empty slot',
  slotManufacturer: 'x',
  tokenPresent: false,
  removableDevice: true,
  hardwareSlot: true,
  token: null,
  state: 'absent',
  stateDetail: 'No token in this slot.',
});

export const softhsm: ModuleInfo = {
  path: '/usr/lib/softhsm/libsofthsm2.so',
  libraryDescription: 'Implementation of PKCS11',
  manufacturer: 'SoftHSM',
  cryptokiVersion: '2.40',
  libraryVersion: '2.6',
};

export const quietNetwork: NetworkReport = {
  sysfsVisible: true,
  interfaces: [{ name: 'lo', operstate: 'unknown', carrier: true, loopback: true, wireless: false, addresses: ['127.0.0.1/8'], active: false, activeBecause: null }],
  active: [],
  wireless: { interfaces: [], phys: [] },
  bluetooth: { visible: false, adapters: [] },
  rfkill: { visible: false, switches: [] },
};

export const utcClock: ClockReport = {
  now: '2027-01-15T12:00:00.000Z',
  timeZone: 'Etc/UTC',
  tzEnv: null,
  etcTimezone: 'Etc/UTC',
  localtimeLink: '/usr/share/zoneinfo/Etc/UTC',
  localtimeZone: 'Etc/UTC',
  utcOffsetMinutes: 0,
  utcOffset: '+00:00',
  isUtc: true,
  notBefore: '2026-11-28T00:00:00.000Z',
  sane: true,
};

export const oneStick: RemovableMediaReport = {
  mountsVisible: true,
  blockVisible: true,
  media: [
    {
      device: '/dev/sdb1',
      disk: 'sdb',
      mountPoint: '/media/ceremony',
      fsType: 'vfat',
      readOnly: false,
      sizeBytes: 8_000_000_000,
      label: 'CEREMONY',
      serial: 'ABC123',
      vendor: 'SanDisk',
      model: 'Cruzer',
      usb: true,
      removable: true,
    },
  ],
};

export const usbWithHsm: UsbStatus = {
  available: true,
  reason: null,
  devices: [
    { vendorId: 0x1050, productId: 0x0030, product: 'YubiHSM 2', kind: 'hsm', serial: '0012345678', location: 'bus 1-2, port 2' },
    { vendorId: 0x1d6b, productId: 0x0002, product: null, kind: 'other', serial: null, location: 'bus 1-0' },
  ],
};

export function quietRoom(overrides: Partial<RoomFacts> = {}): RoomFacts {
  return {
    network: quietNetwork,
    clock: utcClock,
    media: oneStick,
    usb: usbWithHsm,
    hsm: { modulePath: softhsm.path, module: softhsm, moduleError: null, tokens: [token('Root CA', '1', 'ready')] },
    ...overrides,
  };
}
