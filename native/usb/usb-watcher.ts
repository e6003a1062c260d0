// Watches USB presence by polling a device source and diffing scans: reports the current
// devices (classified as HSM, token or other), and attach/detach events to listeners.
// Polling (instead of the addon's hotplug events) is deliberate; see usb-device-source.ts.
import { identifyDevice } from './known-devices';
import { createNodeUsbSource, type RawUsbDevice, type UsbDeviceSource } from './usb-device-source';
import type { UsbChange, UsbDeviceFacts, UsbStatusFacts } from './types';

export interface UsbWatcherOptions {
  /** Defaults to the real `usb` addon source. */
  source?: UsbDeviceSource;
  /** Poll period; default 1500 ms. */
  intervalMs?: number;
  now?: () => Date;
}

export type UsbListener = (change: UsbChange) => void;

export function classifyDevice(raw: RawUsbDevice): UsbDeviceFacts {
  const known = identifyDevice(raw.vendorId, raw.productId, raw);
  return {
    vendorId: raw.vendorId,
    productId: raw.productId,
    product: known ? known.product : null,
    kind: known ? known.kind : 'other',
    serial: raw.serialNumber,
    location: raw.location,
  };
}

const KIND_ORDER = { hsm: 0, token: 1, other: 2 } as const;

function sortDevices(devices: UsbDeviceFacts[]): UsbDeviceFacts[] {
  return devices.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.location.localeCompare(b.location));
}

export class UsbWatcher {
  private readonly source: UsbDeviceSource;
  private readonly intervalMs: number;
  private readonly now: () => Date;
  private readonly listeners = new Set<UsbListener>();
  private known = new Map<string, UsbDeviceFacts>();
  private current: UsbStatusFacts = { available: false, reason: 'USB unavailable: not scanned yet', devices: [] };
  private scanned = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private inFlight: Promise<UsbStatusFacts> | null = null;
  private generation = 0;

  constructor(options: UsbWatcherOptions = {}) {
    this.source = options.source ?? createNodeUsbSource();
    this.intervalMs = options.intervalMs ?? 1500;
    this.now = options.now ?? (() => new Date());
  }

  /** The last scan's result. */
  get status(): UsbStatusFacts {
    return { ...this.current, devices: [...this.current.devices] };
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Scans once, then keeps polling until stop(). Resolves with the first scan. */
  async start(): Promise<UsbStatusFacts> {
    if (!this.timer) {
      // unref: a watcher never keeps a process alive by itself.
      this.timer = setInterval(() => {
        this.refresh().catch(() => undefined);
      }, this.intervalMs);
      this.timer.unref();
    }
    return this.refresh();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Results of a scan still running are dropped.
    this.generation += 1;
    this.inFlight = null;
  }

  subscribe(listener: UsbListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Scans now (joining a scan already running) and reports any change. */
  refresh(): Promise<UsbStatusFacts> {
    if (!this.inFlight) {
      const generation = this.generation;
      this.inFlight = this.scan(generation).finally(() => {
        if (this.generation === generation) this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async scan(generation: number): Promise<UsbStatusFacts> {
    const availability = this.source.probe();
    let next: { available: true; devices: RawUsbDevice[] } | { available: false; reason: string };
    if (!availability.available) {
      next = availability;
    } else {
      try {
        next = { available: true, devices: await this.source.list() };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        next = { available: false, reason: `USB unavailable: listing devices failed (${message})` };
      }
    }
    if (generation !== this.generation) return this.status;
    this.apply(next);
    return this.status;
  }

  private apply(next: { available: true; devices: RawUsbDevice[] } | { available: false; reason: string }): void {
    const at = this.now().toISOString();
    const wasAvailable = this.current.available;
    const firstScan = !this.scanned;
    this.scanned = true;

    if (!next.available) {
      const changed = wasAvailable || this.current.reason !== next.reason;
      this.known = new Map();
      this.current = { available: false, reason: next.reason, devices: [] };
      if (changed && !firstScan) this.emit({ status: this.status, event: null });
      return;
    }

    const seen = new Map<string, UsbDeviceFacts>();
    for (const raw of next.devices) seen.set(raw.key, classifyDevice(raw));

    // The first scan, and the first after USB became available, are a baseline: the
    // devices were already there, nothing was attached.
    if (firstScan || !wasAvailable) {
      this.known = seen;
      this.current = { available: true, reason: null, devices: sortDevices([...seen.values()]) };
      if (!firstScan) this.emit({ status: this.status, event: null });
      return;
    }

    const detached = [...this.known.entries()].filter(([key]) => !seen.has(key));
    const attached = [...seen.entries()].filter(([key]) => !this.known.has(key));
    const working = new Map(this.known);
    for (const [key, device] of detached) {
      working.delete(key);
      this.known = new Map(working);
      this.current = { available: true, reason: null, devices: sortDevices([...working.values()]) };
      this.emit({ status: this.status, event: { type: 'detach', device, at } });
    }
    for (const [key, device] of attached) {
      working.set(key, device);
      this.known = new Map(working);
      this.current = { available: true, reason: null, devices: sortDevices([...working.values()]) };
      this.emit({ status: this.status, event: { type: 'attach', device, at } });
    }
    this.known = seen;
    this.current = { available: true, reason: null, devices: sortDevices([...seen.values()]) };
  }

  private emit(change: UsbChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A failing listener must not stop the others or the watcher.
      }
    }
  }
}
