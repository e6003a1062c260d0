// Opening steps: the room check (with the air-gap override a rehearsal records for
// itself), the administrator's confirmation of the clock, and the token's facts.
import type { UsbStatus } from '../../../preload/contract';
import { buildRoomReport, type HsmFacts } from '../../room/room-checks';
import { probeRoom } from '../../room/probe-room';
import type { JsonObject } from '../../transcript';
import type { ActionContext } from './context';
import { engineError } from './errors';

export const REHEARSAL_OVERRIDE_REASON = 'rehearsal on a networked machine';

// The command-line runner does not watch the USB bus; the report says so instead of guessing.
const USB_NOT_WATCHED: UsbStatus = { available: false, reason: 'USB devices are not watched by the ceremony runner; the HSM is checked through its PKCS#11 module.', devices: [] };

export async function checkRoom(ctx: ActionContext, airGapOverride: string | null): Promise<JsonObject> {
  const { hsm, modulePath } = ctx.deps;
  const rehearsal = ctx.script.ceremony.rehearsal;
  const facts: HsmFacts = { modulePath, module: hsm.module, moduleError: null, tokens: await hsm.listTokens() };
  const os = (ctx.deps.probeRoom ?? probeRoom)();
  const report = buildRoomReport({ ...os, usb: USB_NOT_WATCHED, hsm: facts }, { rehearsal });
  const recorded = ctx.attempt().find((e) => e.entry.type === 'room-checked');
  if (!recorded) {
    await ctx.writer.append('room-checked', ctx.system, {
      rehearsal,
      ready: report.ready,
      checks: report.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, reason: c.reason })),
    });
  }
  const airGap = report.checks.find((c) => c.id === 'air-gap');
  const failed = report.checks.filter((c) => c.status !== 'pass' && ['air-gap', 'wireless', 'bluetooth'].includes(c.id)).map((c) => c.id);
  const overridden = ctx.attempt().some((e) => e.entry.type === 'air-gap-override');
  if (failed.length > 0 && !overridden) {
    const reason = rehearsal ? REHEARSAL_OVERRIDE_REASON : airGapOverride;
    if (reason) await ctx.writer.append('air-gap-override', ctx.admin, { failedChecks: failed, reason });
  }
  const blocking = report.checks.filter((c) => c.status === 'fail' && !['air-gap', 'wireless', 'bluetooth'].includes(c.id));
  if (blocking.length > 0) {
    throw engineError(
      'ROOM_NOT_READY',
      `The room check failed: ${blocking.map((c) => `${c.title} (${c.reason})`).join('; ')}`.slice(0, 1500),
      'Fix what the failed checks name, then retry the step.',
    );
  }
  return { ready: report.ready, airGap: airGap?.status ?? 'fail', failedAirGapChecks: failed };
}

export async function confirmClock(ctx: ActionContext, confirmed: boolean): Promise<JsonObject> {
  if (!confirmed) {
    throw engineError('CLOCK_NOT_CONFIRMED', 'The administrator has not confirmed the workstation clock as UTC.', 'Compare the clock with an independent UTC source and confirm it (answers: "confirmClockUtc": true).');
  }
  const now = (ctx.deps.now ?? (() => new Date()))();
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const utcOffsetMinutes = -now.getTimezoneOffset();
  if (utcOffsetMinutes !== 0 && !ctx.script.ceremony.rehearsal) {
    throw engineError('CLOCK_NOT_UTC', `The system time zone is ${timeZone} (UTC${utcOffsetMinutes >= 0 ? '+' : ''}${utcOffsetMinutes / 60} h), not UTC.`, 'Set the workstation to UTC (TZ=UTC), then retry the step.');
  }
  if (!ctx.attempt().some((e) => e.entry.type === 'clock-confirmed')) {
    await ctx.writer.append('clock-confirmed', ctx.admin, { systemTime: now.toISOString(), timeZone: timeZone.slice(0, 64), utcOffsetMinutes });
  }
  return { systemTime: now.toISOString(), timeZone, utcOffsetMinutes };
}

/** The script's token in the module's slot list: by label, and by serial when the script gives one. */
export async function findTokenSlot(ctx: Pick<ActionContext, 'deps' | 'script'>): Promise<{ slotId: string; facts: Awaited<ReturnType<ActionContext['deps']['hsm']['listTokens']>>[number] }> {
  const { label, slotSerial } = ctx.script.token;
  const tokens = await ctx.deps.hsm.listTokens();
  const found = tokens.find((t) => t.tokenPresent && t.token?.label === label && (slotSerial === undefined || t.token.serial === slotSerial));
  if (!found) {
    throw engineError(
      'TOKEN_NOT_PRESENT',
      `The ceremony token "${label}"${slotSerial ? ` (serial ${slotSerial})` : ''} is not present; the module lists ${tokens.filter((t) => t.token).map((t) => `"${t.token!.label}"`).join(', ') || 'no token'}.`,
      'Connect the ceremony token and retry.',
    );
  }
  return { slotId: found.slotId, facts: found };
}

export async function recordTokenFacts(ctx: ActionContext): Promise<JsonObject> {
  const { slotId, facts } = await findTokenSlot(ctx);
  const token = facts.token!;
  const module = ctx.deps.hsm.module;
  if (!module) throw engineError('MODULE_NOT_LOADED', 'The PKCS#11 module is not loaded.', 'Restart the ceremony runner.');
  if (!ctx.attempt().some((e) => e.entry.type === 'token-facts')) {
    await ctx.writer.append('token-facts', ctx.system, {
      slotId,
      label: token.label,
      manufacturer: token.manufacturer,
      model: token.model,
      serial: token.serial,
      firmwareVersion: token.firmwareVersion,
      hardwareVersion: token.hardwareVersion,
      flags: token.flags,
      module: {
        path: module.path,
        libraryDescription: module.libraryDescription,
        manufacturer: module.manufacturer,
        cryptokiVersion: module.cryptokiVersion,
        libraryVersion: module.libraryVersion,
      },
    });
  }
  return { slotId, label: token.label, serial: token.serial, model: token.model };
}
