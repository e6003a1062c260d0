// USB: whether attach and detach can be seen, the known devices now, and a live log of
// what was plugged in or pulled out while this screen was open.
import type { UsbStatus } from '../../../preload/contract';
import { Banner, Card, DataTable, EmptyState, Icon, StatusBadge, type Column } from '../../design';
import { formatUtcTime, hex4, usbDeviceName, usbKindWord } from '../../format';
import { useStatus } from '../../stores/status-context';
import type { UsbLogEntry } from '../../stores/status-store';

type Device = UsbStatus['devices'][number];

const deviceKey = (d: Device) => `${d.location}|${hex4(d.vendorId)}:${hex4(d.productId)}|${d.serial ?? ''}`;

const columns: Column<Device>[] = [
  { key: 'product', header: 'Device', rowHeader: true, render: (d) => usbDeviceName(d) },
  { key: 'kind', header: 'Kind', render: (d) => usbKindWord[d.kind] },
  { key: 'ids', header: 'Vendor:product', className: 'mono', render: (d) => `${hex4(d.vendorId)}:${hex4(d.productId)}` },
  { key: 'serial', header: 'Serial', className: 'mono', render: (d) => d.serial ?? <span className="muted">Not reported</span> },
  { key: 'location', header: 'Location', className: 'mono', render: (d) => d.location },
];

function unavailableReason(reason: string | null): string {
  if (!reason) return 'USB unavailable';
  return /^usb unavailable/i.test(reason) ? reason : `USB unavailable: ${reason}`;
}

function UsbLog({ entries }: { entries: UsbLogEntry[] }) {
  // Newest first so the latest event is at the top of the projector image; the polite
  // announcer in the app frame reads each one out as it arrives.
  const newestFirst = [...entries].reverse();
  return (
    <div className="usb-log">
      <h3 className="usb-log__title">Attach and detach events (live)</h3>
      {newestFirst.length === 0 ? (
        <p className="usb-log__empty muted">No USB device was attached or detached since this screen opened.</p>
      ) : (
        <ol className="usb-log__list" data-testid="usb-log" aria-label="USB events, newest first">
          {newestFirst.map((entry) => (
            <li key={entry.seq} className={`usb-log__entry usb-log__entry--${entry.type}`}>
              <time className="usb-log__time mono" dateTime={entry.at}>
                {formatUtcTime(entry.at)}
              </time>
              <span className="usb-log__type">
                <Icon name={entry.type === 'attach' ? 'attach' : 'detach'} />
                {entry.type === 'attach' ? 'Attached' : 'Detached'}
              </span>
              <span className="usb-log__device">{usbDeviceName(entry.device)}</span>
              <span className="usb-log__ids mono">
                {hex4(entry.device.vendorId)}:{hex4(entry.device.productId)}
                {entry.device.serial ? ` · ${entry.device.serial}` : ''} · {entry.device.location}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function UsbSection({ usb }: { usb: UsbStatus }) {
  const log = useStatus((s) => s.usbLog);
  return (
    <Card
      id="usb"
      icon="usb"
      title="USB devices"
      subtitle="HSMs and tokens recognized by vendor and product id; attach and detach appear here as they happen."
      actions={usb.available ? <StatusBadge tone="pass" label="Watching USB" size="large" /> : <StatusBadge tone="warn" label="USB unavailable" size="large" />}
    >
      {usb.available ? null : (
        <Banner tone="warn" title={unavailableReason(usb.reason)}>
          Conclave cannot see devices being attached or pulled out. An HSM may still work through its PKCS#11 module; check its cable by eye.
        </Banner>
      )}
      <div className="usb__grid">
        <div className="usb__devices">
          <h3 className="usb__subtitle">Attached now</h3>
          {usb.devices.length === 0 ? (
            <EmptyState title="No HSM or token is attached" icon="usb">
              {usb.available ? 'Plug in the HSM or token; it appears here when recognized.' : 'The device list is empty because USB cannot be read on this machine.'}
            </EmptyState>
          ) : (
            <DataTable caption="USB devices attached now" captionHidden columns={columns} rows={usb.devices} rowKey={deviceKey} />
          )}
        </div>
        <UsbLog entries={log} />
      </div>
    </Card>
  );
}
