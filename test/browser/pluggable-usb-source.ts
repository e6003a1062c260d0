// A USB device source for the real UsbWatcher whose devices the test plugs in and pulls
// out. This machine (and CI) has no USB HSM to attach, so the device list is scripted;
// everything above it is real: the watcher's diffing and classification, the status
// service, the IPC router, the bridge and the screen.
import type { RawUsbDevice, SourceAvailability, UsbDeviceSource } from '../../native/usb/usb-device-source';

export class PluggableUsbSource implements UsbDeviceSource {
  private devices = new Map<string, RawUsbDevice>();

  probe(): SourceAvailability {
    return { available: true };
  }

  async list(): Promise<RawUsbDevice[]> {
    return [...this.devices.values()];
  }

  plug(device: RawUsbDevice): void {
    this.devices.set(device.key, device);
  }

  pull(key: string): void {
    this.devices.delete(key);
  }
}

/** A YubiHSM 2 (Yubico 1050:0030) as the usb addon would describe it. */
export const YUBIHSM2: RawUsbDevice = {
  vendorId: 0x1050,
  productId: 0x0030,
  manufacturerName: 'Yubico',
  productName: 'YubiHSM',
  serialNumber: '0012345678',
  location: 'bus 1-1, port 1.4',
  key: '1050:0030:bus1-1.4:0012345678',
};
