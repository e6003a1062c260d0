// The system clock as a ceremony sees it: the current time in UTC, which time zone the
// process runs in (TZ, /etc/timezone, the /etc/localtime link), its UTC offset, whether
// that zone is UTC, and whether the clock is plausibly set (not before this code existed).
import { join } from 'node:path';
import { readLink, readText } from './fs-read';

/**
 * No correct clock reads earlier than the day this probe was written, so an earlier
 * reading means the clock was never set (a dead RTC battery typically resets to 1970 or
 * 2000). Setting CONCLAVE_BUILD_TIME in the environment moves the floor later, never earlier.
 */
export const EARLIEST_PLAUSIBLE_TIME = new Date('2026-11-28T00:00:00Z');

const UTC_ZONES = new Set([
  'UTC', 'Etc/UTC', 'UCT', 'Etc/UCT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu',
  'GMT', 'Etc/GMT', 'GMT0', 'Etc/GMT0', 'GMT+0', 'Etc/GMT+0', 'GMT-0', 'Etc/GMT-0',
  'Greenwich', 'Etc/Greenwich',
]);

export interface ClockProbeOptions {
  now?: () => Date;
  /** The process time zone; defaults to what Intl resolves (it honours TZ). */
  timeZone?: string;
  env?: NodeJS.ProcessEnv;
  etcRoot?: string;
  /** Earliest time the clock may read; defaults to the later of EARLIEST_PLAUSIBLE_TIME and the build time. */
  notBefore?: Date;
}

export interface ClockReport {
  /** Current time, ISO 8601 UTC. */
  now: string;
  /** The time zone this process formats local times in. */
  timeZone: string;
  /** The TZ environment variable, if set. */
  tzEnv: string | null;
  /** Content of /etc/timezone, if present. */
  etcTimezone: string | null;
  /** Where /etc/localtime points, if it is a link. */
  localtimeLink: string | null;
  /** The zone named by that link (the part after zoneinfo/). */
  localtimeZone: string | null;
  utcOffsetMinutes: number;
  /** "+00:00", "+01:00", "-05:30". */
  utcOffset: string;
  /** The zone is UTC itself (not merely at offset zero, as London is in winter). */
  isUtc: boolean;
  notBefore: string;
  /** The clock reads no earlier than notBefore. */
  sane: boolean;
}

/** UTC offset of `timeZone` at `at`, in minutes east of UTC. */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/.exec(name);
  if (!match || !match[1]) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function buildTime(env: NodeJS.ProcessEnv): Date | null {
  const text = env.CONCLAVE_BUILD_TIME;
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function probeClock(options: ClockProbeOptions = {}): ClockReport {
  const now = (options.now ?? (() => new Date()))();
  const env = options.env ?? process.env;
  const etcRoot = options.etcRoot ?? '/etc';
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';

  const link = readLink(join(etcRoot, 'localtime'));
  const zoneMatch = link ? /zoneinfo\/(.+)$/.exec(link) : null;
  const offset = utcOffsetMinutes(timeZone, now);

  const built = buildTime(env);
  const notBefore =
    options.notBefore ?? (built && built > EARLIEST_PLAUSIBLE_TIME ? built : EARLIEST_PLAUSIBLE_TIME);

  return {
    now: now.toISOString(),
    timeZone,
    tzEnv: env.TZ && env.TZ !== '' ? env.TZ : null,
    etcTimezone: readText(join(etcRoot, 'timezone')),
    localtimeLink: link,
    localtimeZone: zoneMatch?.[1] ?? null,
    utcOffsetMinutes: offset,
    utcOffset: formatOffset(offset),
    isUtc: UTC_ZONES.has(timeZone),
    notBefore: notBefore.toISOString(),
    sane: now.getTime() >= notBefore.getTime(),
  };
}
