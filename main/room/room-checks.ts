// The room checks a ceremony needs before it starts: air gap, radios, clock, the PKCS#11
// module and its tokens, USB devices and removable media. Each check always says why it
// passed, warned or failed, and what to do when it did not pass. Rehearsal mode relaxes
// the failures that a practice run on an ordinary machine cannot avoid (network, radios,
// time zone) to warnings; nothing else.
import type { Check, ErrorValue, ModuleInfo, RoomReport, TokenFacts, UsbStatus } from '../../preload/contract';
import type { ClockReport } from '../../native/probes/clock';
import type { InterfaceFacts, NetworkReport, RfkillState } from '../../native/probes/network';
import type { RemovableMediaReport } from '../../native/probes/removable-media';
import { ACTION_MAX, clamp, formatBytes, listing, plural, REASON_MAX } from './format';

export interface HsmFacts {
  /** The module path in use or attempted; null when none is configured. */
  modulePath: string | null;
  module: ModuleInfo | null;
  moduleError: ErrorValue | null;
  tokens: TokenFacts[];
  /** Set when the token list could not be read although the module loaded. */
  tokensError?: ErrorValue | null;
}

export interface RoomFacts {
  network: NetworkReport;
  clock: ClockReport;
  media: RemovableMediaReport;
  usb: UsbStatus;
  hsm: HsmFacts;
}

export interface RoomReportOptions {
  rehearsal: boolean;
  generatedAt?: Date;
}

/** Checks whose failure rehearsal mode turns into a warning. */
export const RELAXED_IN_REHEARSAL: ReadonlySet<string> = new Set(['air-gap', 'wireless', 'bluetooth', 'clock-utc']);

type Draft = Omit<Check, 'action'> & { action?: string };

function check(draft: Draft): Check {
  return {
    id: draft.id,
    title: draft.title,
    status: draft.status,
    reason: clamp(draft.reason, REASON_MAX),
    action: draft.status === 'pass' ? '' : clamp(draft.action ?? '', ACTION_MAX),
  };
}

function describeInterface(i: InterfaceFacts): string {
  const details = [i.activeBecause, ...i.addresses].filter((d): d is string => !!d);
  return details.length ? `${i.name} (${details.join('; ')})` : i.name;
}

function blockWord(s: RfkillState): string {
  if (s.hardBlocked && s.softBlocked) return 'hard and soft blocked';
  if (s.hardBlocked) return 'hard blocked';
  if (s.softBlocked) return 'soft blocked';
  return 'not blocked';
}

const blocked = (s: RfkillState | null): boolean => !!s && (s.hardBlocked || s.softBlocked);

export function airGapCheck(network: NetworkReport): Check {
  const title = 'Air gap';
  if (network.active.length > 0) {
    return check({
      id: 'air-gap',
      title,
      status: 'fail',
      reason: `${plural(network.active.length, 'network interface')} besides loopback ${network.active.length === 1 ? 'is' : 'are'} active: ${listing(network.active.map(describeInterface))}.`,
      action: `Unplug the network cables and take these interfaces down (for example: ${network.active.map((i) => `ip link set ${i.name} down`).join('; ')}), then check again.`,
    });
  }
  const seen = network.interfaces.map((i) => i.name);
  if (!network.sysfsVisible) {
    return check({
      id: 'air-gap',
      title,
      status: 'warn',
      reason: `/sys/class/net could not be read, so link state is unknown; judged by assigned addresses only, no interface besides loopback has one${seen.length ? ` (seen: ${seen.join(', ')})` : ''}.`,
      action: 'Run the check on the ceremony workstation itself, not inside a container, so link state is visible.',
    });
  }
  return check({
    id: 'air-gap',
    title,
    status: 'pass',
    reason: `No network interface besides loopback is active${seen.length ? ` (checked ${seen.join(', ')})` : ''}.`,
  });
}

export function wirelessCheck(network: NetworkReport): Check {
  const title = 'Wireless';
  const up = network.wireless.interfaces.filter((i) => i.active);
  if (up.length > 0) {
    return check({
      id: 'wireless',
      title,
      status: 'fail',
      reason: `Wireless ${up.length === 1 ? 'interface' : 'interfaces'} ${listing(up.map(describeInterface))} ${up.length === 1 ? 'is' : 'are'} up.`,
      action: 'Switch wireless off with the hardware switch or `rfkill block wlan`, or remove the adapter, then check again.',
    });
  }
  // Radios that could come on: wireless PHYs with their rfkill state, wlan/wwan rfkill
  // switches not tied to a PHY, and interfaces whose blocking state cannot be seen.
  const switches = network.rfkill.switches.filter((s) => s.type === 'wlan' || s.type === 'wwan');
  const radios: Array<{ name: string; rfkill: RfkillState | null }> = [
    ...network.wireless.phys.map((p) => ({ name: p.name, rfkill: p.rfkill })),
    ...switches
      .filter((s) => !network.wireless.phys.some((p) => p.rfkill?.id === s.id))
      .map((s) => ({ name: `${s.name ?? s.id} (${s.type})`, rfkill: s as RfkillState | null })),
  ];
  if (radios.length === 0) {
    radios.push(...network.wireless.interfaces.map((i) => ({ name: `${i.name} (${i.operstate ?? 'state unknown'})`, rfkill: null })));
  }
  const open = radios.filter((r) => !blocked(r.rfkill));
  if (open.length > 0) {
    return check({
      id: 'wireless',
      title,
      status: 'warn',
      reason: `Wireless hardware is present and not blocked, so it could be switched on: ${listing(open.map((r) => r.name))}.`,
      action: 'Remove the wireless adapter or disable it in firmware; at least block it with `rfkill block wlan` (and `rfkill block wwan`).',
    });
  }
  if (radios.length > 0) {
    return check({
      id: 'wireless',
      title,
      status: 'pass',
      reason: `Wireless hardware is present but blocked: ${listing(radios.map((r) => `${r.name}: ${r.rfkill ? blockWord(r.rfkill) : 'blocked'}`))}.`,
    });
  }
  if (!network.sysfsVisible) {
    return check({
      id: 'wireless',
      title,
      status: 'warn',
      reason: '/sys/class/net could not be read, so wireless interfaces cannot be seen.',
      action: 'Run the check on the ceremony workstation itself, not inside a container.',
    });
  }
  return check({ id: 'wireless', title, status: 'pass', reason: 'No wireless interface or adapter is visible (/sys/class/net, /sys/class/ieee80211, rfkill).' });
}

export function bluetoothCheck(network: NetworkReport): Check {
  const title = 'Bluetooth';
  const switches = network.rfkill.switches.filter((s) => s.type === 'bluetooth');
  const radios = [
    ...network.bluetooth.adapters.map((a) => ({ name: `${a.name}${a.address ? ` (${a.address})` : ''}`, rfkill: a.rfkill })),
    ...switches
      .filter((s) => !network.bluetooth.adapters.some((a) => a.rfkill?.id === s.id))
      .map((s) => ({ name: s.name ?? s.id, rfkill: s as RfkillState | null })),
  ];
  const open = radios.filter((r) => !blocked(r.rfkill));
  if (open.length > 0) {
    return check({
      id: 'bluetooth',
      title,
      status: 'fail',
      reason: `Bluetooth ${open.length === 1 ? 'adapter' : 'adapters'} ${listing(open.map((r) => r.name))} ${open.length === 1 ? 'is' : 'are'} present and not blocked.`,
      action: 'Remove the bluetooth adapter or disable it in firmware; at least block it with `rfkill block bluetooth`, then check again.',
    });
  }
  const softOnly = radios.filter((r) => r.rfkill && r.rfkill.softBlocked && !r.rfkill.hardBlocked);
  if (softOnly.length > 0) {
    return check({
      id: 'bluetooth',
      title,
      status: 'warn',
      reason: `Bluetooth ${listing(softOnly.map((r) => r.name))} ${softOnly.length === 1 ? 'is' : 'are'} only soft blocked, which software can undo.`,
      action: 'Remove the bluetooth adapter or disable it in firmware for the ceremony.',
    });
  }
  if (radios.length > 0) {
    return check({ id: 'bluetooth', title, status: 'pass', reason: `Bluetooth ${listing(radios.map((r) => `${r.name} (${r.rfkill ? blockWord(r.rfkill) : 'blocked'})`))} is hard blocked.` });
  }
  return check({
    id: 'bluetooth',
    title,
    status: 'pass',
    reason: network.bluetooth.visible
      ? 'No bluetooth adapter is present (/sys/class/bluetooth is empty).'
      : 'No bluetooth support is visible (/sys/class/bluetooth does not exist).',
  });
}

export function clockUtcCheck(clock: ClockReport): Check {
  const title = 'Clock time zone is UTC';
  const sources = [
    clock.tzEnv ? `TZ=${clock.tzEnv}` : null,
    clock.etcTimezone ? `/etc/timezone says ${clock.etcTimezone}` : null,
    clock.localtimeZone ? `/etc/localtime points to ${clock.localtimeZone}` : null,
  ].filter((s): s is string => s !== null);
  const from = sources.length ? ` (${sources.join('; ')})` : '';
  if (clock.isUtc) {
    return check({ id: 'clock-utc', title, status: 'pass', reason: `Time zone is ${clock.timeZone}, UTC${clock.utcOffset}${from}.` });
  }
  return check({
    id: 'clock-utc',
    title,
    status: 'fail',
    reason: `Time zone is ${clock.timeZone} (UTC${clock.utcOffset} now), not UTC${from}; times shown and recorded would be local.`,
    action: 'Set the workstation time zone to UTC (`timedatectl set-timezone Etc/UTC`) or start Conclave with TZ=UTC.',
  });
}

export function clockSaneCheck(clock: ClockReport): Check {
  const title = 'Clock is set';
  if (clock.sane) {
    return check({ id: 'clock-sane', title, status: 'pass', reason: `The clock reads ${clock.now}, not earlier than ${clock.notBefore}, the earliest time this build accepts.` });
  }
  return check({
    id: 'clock-sane',
    title,
    status: 'fail',
    reason: `The clock reads ${clock.now}, earlier than ${clock.notBefore}, the earliest time this build accepts, so it is wrong.`,
    action: 'Set the date and time from a trusted source (a reference clock the witnesses agree on) before the ceremony; timestamps in the transcript depend on it.',
  });
}

export function moduleCheck(hsm: HsmFacts, rehearsal: boolean): Check {
  const title = 'PKCS#11 module';
  if (hsm.module) {
    const m = hsm.module;
    const what = [m.libraryDescription, m.manufacturer].filter((s) => s.trim() !== '').join(' by ');
    return check({
      id: 'pkcs11-module',
      title,
      status: 'pass',
      reason: `Loaded ${m.path}${what ? `: ${what}` : ''}, library ${m.libraryVersion}, Cryptoki ${m.cryptokiVersion}${rehearsal ? ' (the SoftHSM2 rehearsal token module)' : ''}.`,
    });
  }
  if (hsm.moduleError) {
    return check({
      id: 'pkcs11-module',
      title,
      status: 'fail',
      reason: `${hsm.modulePath ? `${hsm.modulePath}: ` : ''}${hsm.moduleError.message}`,
      action: hsm.moduleError.action,
    });
  }
  return check({
    id: 'pkcs11-module',
    title,
    status: 'fail',
    reason: 'No PKCS#11 module is configured, so no HSM can be used.',
    action: "Point Conclave at your HSM vendor's PKCS#11 library (`conclave doctor --module PATH`, the CONCLAVE_PKCS11_MODULE variable, or the app's module choice), or rehearse with `--rehearsal`.",
  });
}

function tokenName(t: TokenFacts): string {
  const label = t.token?.label.trim() || '(no label)';
  const serial = t.token?.serial.trim();
  return `"${label}" (slot ${t.slotId}${serial ? `, serial ${serial}` : ''})`;
}

const FAIL_STATES = new Set(['user-pin-locked', 'so-pin-locked', 'user-pin-final-try']);
const WARN_STATES = new Set(['user-pin-count-low', 'user-pin-not-set', 'write-protected']);

export function tokensCheck(hsm: HsmFacts): Check {
  const title = 'Tokens';
  if (!hsm.module) {
    return check({
      id: 'tokens',
      title,
      status: 'fail',
      reason: 'Tokens cannot be listed because no PKCS#11 module is loaded.',
      action: 'Fix the PKCS#11 module check first.',
    });
  }
  if (hsm.tokensError) {
    return check({ id: 'tokens', title, status: 'fail', reason: `Listing tokens failed: ${hsm.tokensError.message}`, action: hsm.tokensError.action });
  }
  const present = hsm.tokens.filter((t) => t.token !== null && t.state !== 'absent');
  const initialized = present.filter((t) => t.state !== 'uninitialized');
  // Uninitialized tokens are unused slots (SoftHSM2 always offers one); they are named,
  // but only matter when no initialized token exists.
  const blank = present.filter((t) => t.state === 'uninitialized');
  if (present.length === 0) {
    return check({
      id: 'tokens',
      title,
      status: 'fail',
      reason: `No token is present in ${hsm.tokens.length === 0 ? 'any slot (the module reports no slots)' : `any of the module's ${plural(hsm.tokens.length, 'slot')}`}.`,
      action: 'Connect the HSM or insert the token, check that its driver or daemon is running, then check again.',
    });
  }
  if (initialized.length === 0) {
    return check({
      id: 'tokens',
      title,
      status: 'fail',
      reason: `No initialized token: ${listing(blank.map(tokenName))} ${blank.length === 1 ? 'is' : 'are'} not initialized.`,
      action: 'Initialize the token for this ceremony (set its SO and user PINs) with the vendor tool, or use a token that is already initialized.',
    });
  }
  const lines = initialized.map((t) => `${tokenName(t)}: ${t.state}${t.state === 'ready' ? '' : ` (${t.stateDetail})`}`);
  const unused = blank.length ? ` Also ${plural(blank.length, 'uninitialized token')}, not used: slot ${blank.map((t) => t.slotId).join(', ')}.` : '';
  const summary = `${plural(initialized.length, 'initialized token')}: ${lines.join('; ')}.${unused}`;
  const failing = initialized.filter((t) => FAIL_STATES.has(t.state));
  const warning = initialized.filter((t) => WARN_STATES.has(t.state) || flagConcerns(t) !== null);
  if (failing.length > 0) {
    return check({
      id: 'tokens',
      title,
      status: 'fail',
      reason: `${listing(failing.map(tokenName))} cannot be used safely. ${summary}`,
      action: failing.map((t) => `${tokenName(t)}: ${t.stateDetail}`).join(' '),
    });
  }
  if (warning.length > 0) {
    return check({
      id: 'tokens',
      title,
      status: 'warn',
      reason: `${listing(warning.map(tokenName))} ${warning.length === 1 ? 'needs' : 'need'} attention. ${summary}`,
      action: warning.map((t) => `${tokenName(t)}: ${WARN_STATES.has(t.state) ? t.stateDetail : ''}${flagConcerns(t) ?? ''}`.trim()).join(' '),
    });
  }
  return check({ id: 'tokens', title, status: 'pass', reason: summary });
}

/**
 * PIN flags that the one-word state leaves out (it ranks the user PIN first), which an
 * operator must still see before a ceremony: an SO PIN with wrong attempts recorded, and
 * PINs the token wants changed.
 */
function flagConcerns(t: TokenFacts): string | null {
  const flags = t.token?.flags;
  if (!flags) return null;
  const notes: string[] = [];
  if (flags.soPinFinalTry) notes.push('the SO PIN is on its final try: one more wrong SO PIN locks it.');
  else if (flags.soPinCountLow) notes.push('wrong SO PIN attempts are recorded; make sure of the SO PIN before using it.');
  if (flags.userPinToBeChanged) notes.push('the token asks for the user PIN to be changed.');
  if (flags.soPinToBeChanged) notes.push('the token asks for the SO PIN to be changed.');
  return notes.length ? ` Also ${notes.join(' ')}` : null;
}

export function usbCheck(usb: UsbStatus): Check {
  const title = 'USB devices';
  if (!usb.available) {
    return check({
      id: 'usb',
      title,
      status: 'warn',
      reason: usb.reason ?? 'USB unavailable.',
      action: 'Run Conclave on the ceremony workstation itself (not in a container) to see USB devices; the module and token checks still show whether the HSM answers.',
    });
  }
  const known = usb.devices.filter((d) => d.kind !== 'other');
  const others = usb.devices.length - known.length;
  const id = (d: { vendorId: number; productId: number }) =>
    `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
  if (known.length === 0) {
    return check({
      id: 'usb',
      title,
      status: 'warn',
      reason: `No known HSM or token among ${plural(usb.devices.length, 'USB device')}.`,
      action: 'Plug in the HSM or token. If it is attached but not recognized, compare its vendor:product id (lsusb) with the known devices list.',
    });
  }
  const described = known.map((d) => `${d.product ?? 'unknown'} [${d.kind}] (${id(d)}${d.serial ? `, serial ${d.serial}` : ''}) at ${d.location}`);
  return check({
    id: 'usb',
    title,
    status: 'pass',
    reason: `Known devices: ${described.join('; ')}${others ? `; plus ${plural(others, 'other device')}` : ''}.`,
  });
}

export function removableMediaCheck(media: RemovableMediaReport): Check {
  const title = 'Removable media';
  if (!media.mountsVisible || !media.blockVisible) {
    return check({
      id: 'removable-media',
      title,
      status: 'warn',
      reason: `${!media.mountsVisible ? '/proc/self/mounts' : '/sys/block'} could not be read, so mounted media cannot be seen.`,
      action: 'Run the check on the ceremony workstation itself, not inside a container.',
    });
  }
  if (media.media.length === 0) {
    return check({
      id: 'removable-media',
      title,
      status: 'warn',
      reason: 'No removable media is mounted; ceremony outputs (transcript, bundles, share envelopes) need somewhere to go.',
      action: 'Insert and mount the ceremony USB stick or SD card, then check again.',
    });
  }
  const described = media.media.map((m) => {
    const facts = [
      m.label ? `label ${m.label}` : null,
      formatBytes(m.sizeBytes),
      m.fsType,
      m.usb ? 'USB' : null,
      m.readOnly ? 'read-only' : null,
      [m.vendor, m.model].filter(Boolean).join(' ') || null,
      m.serial ? `serial ${m.serial}` : null,
    ].filter((f): f is string => !!f);
    return `${m.device} at ${m.mountPoint} (${facts.join(', ')})`;
  });
  return check({ id: 'removable-media', title, status: 'pass', reason: `Mounted: ${described.join('; ')}.` });
}

/** Turns a relaxable failure into a warning in rehearsal mode, saying so. */
export function relaxForRehearsal(c: Check, rehearsal: boolean): Check {
  if (!rehearsal || c.status !== 'fail' || !RELAXED_IN_REHEARSAL.has(c.id)) return c;
  return { ...c, status: 'warn', reason: clamp(`${c.reason} This is allowed in rehearsal.`, REASON_MAX) };
}

export function buildRoomReport(facts: RoomFacts, options: RoomReportOptions): RoomReport {
  const checks = [
    airGapCheck(facts.network),
    wirelessCheck(facts.network),
    bluetoothCheck(facts.network),
    clockUtcCheck(facts.clock),
    clockSaneCheck(facts.clock),
    moduleCheck(facts.hsm, options.rehearsal),
    tokensCheck(facts.hsm),
    usbCheck(facts.usb),
    removableMediaCheck(facts.media),
  ].map((c) => relaxForRehearsal(c, options.rehearsal));
  return {
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    rehearsal: options.rehearsal,
    ready: checks.every((c) => c.status !== 'fail'),
    checks,
  };
}
