// What the USB layer reports. native/ may not import the IPC contract, so these mirror
// UsbDevice, UsbStatus and UsbEvent in preload/contract.ts field for field; main/ assigns
// them to the contract types, so the compiler catches any drift.

export type UsbDeviceKind = 'hsm' | 'token' | 'other';

export interface UsbDeviceFacts {
  vendorId: number;
  productId: number;
  /** Known product name; null for an unrecognized device. */
  product: string | null;
  kind: UsbDeviceKind;
  serial: string | null;
  /** Where it is plugged in, e.g. "bus 1-1, port 1.4". */
  location: string;
}

export interface UsbStatusFacts {
  available: boolean;
  /** Why USB is unavailable, starting "USB unavailable: "; null when available. */
  reason: string | null;
  devices: UsbDeviceFacts[];
}

export interface UsbEventFacts {
  type: 'attach' | 'detach';
  device: UsbDeviceFacts;
  /** ISO 8601 UTC time the change was seen. */
  at: string;
}

export interface UsbChange {
  status: UsbStatusFacts;
  /** The attach or detach that caused the change; null when only availability changed. */
  event: UsbEventFacts | null;
}
