import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EARLIEST_PLAUSIBLE_TIME, formatOffset, probeClock, utcOffsetMinutes } from '../../../native/probes/clock';
import { clockSaneCheck, clockUtcCheck, relaxForRehearsal } from '../../../main/room/room-checks';
import { fakeTree } from './fake-tree';

const winter = new Date('2027-01-15T12:00:00Z');
const summer = new Date('2027-07-15T12:00:00Z');
const root = join(__dirname, '..', '..', '..');

const berlinEtc = fakeTree({
  'etc/timezone': 'Europe/Berlin\n',
  'etc/localtime': { link: '/usr/share/zoneinfo/Europe/Berlin' },
});
after(() => berlinEtc.remove());

describe('clock probe', () => {
  test('UTC offsets come from the time zone database, with daylight saving', () => {
    assert.equal(utcOffsetMinutes('Europe/Berlin', winter), 60);
    assert.equal(utcOffsetMinutes('Europe/Berlin', summer), 120);
    assert.equal(utcOffsetMinutes('America/St_Johns', winter), -210);
    assert.equal(utcOffsetMinutes('UTC', winter), 0);
    assert.equal(formatOffset(-210), '-03:30');
    assert.equal(formatOffset(60), '+01:00');
  });

  test('Europe/Berlin is not UTC, and the check fails naming the zone, the offset and where it came from', () => {
    const clock = probeClock({ now: () => winter, timeZone: 'Europe/Berlin', env: {}, etcRoot: berlinEtc.path('etc') });
    assert.equal(clock.isUtc, false);
    assert.equal(clock.utcOffset, '+01:00');
    assert.equal(clock.etcTimezone, 'Europe/Berlin');
    assert.equal(clock.localtimeZone, 'Europe/Berlin');
    assert.equal(clock.now, '2027-01-15T12:00:00.000Z');
    const check = clockUtcCheck(clock);
    assert.equal(check.status, 'fail');
    assert.match(check.reason, /Europe\/Berlin \(UTC\+01:00 now\), not UTC/);
    assert.match(check.reason, /\/etc\/localtime points to Europe\/Berlin/);
    assert.match(check.action, /timedatectl set-timezone/);
    const relaxed = relaxForRehearsal(check, true);
    assert.equal(relaxed.status, 'warn');
    assert.match(relaxed.reason, /allowed in rehearsal/);
  });

  test('London in winter sits at offset zero but is still not UTC', () => {
    const clock = probeClock({ now: () => winter, timeZone: 'Europe/London', env: {}, etcRoot: '/nonexistent' });
    assert.equal(clock.utcOffsetMinutes, 0);
    assert.equal(clock.isUtc, false);
  });

  test('Etc/UTC passes', () => {
    const clock = probeClock({ now: () => winter, timeZone: 'Etc/UTC', env: { TZ: 'Etc/UTC' }, etcRoot: '/nonexistent' });
    assert.equal(clock.isUtc, true);
    const check = clockUtcCheck(clock);
    assert.equal(check.status, 'pass');
    assert.match(check.reason, /TZ=Etc\/UTC/);
  });

  test('TZ=Europe/Berlin in a child process is what the probe reports by default', () => {
    const script = `const { probeClock } = require(${JSON.stringify(join(root, 'native/probes/clock.ts'))});
      const c = probeClock(); process.stdout.write(JSON.stringify({ tz: c.timeZone, utc: c.isUtc, env: c.tzEnv, off: c.utcOffsetMinutes }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, TZ: 'Europe/Berlin' },
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as { tz: string; utc: boolean; env: string; off: number };
    assert.equal(result.tz, 'Europe/Berlin');
    assert.equal(result.env, 'Europe/Berlin');
    assert.equal(result.utc, false);
    assert.ok(result.off === 60 || result.off === 120);
  });

  test('a clock earlier than the build is not sane and the check fails', () => {
    const clock = probeClock({ now: () => new Date('2000-01-01T00:00:00Z'), timeZone: 'UTC', env: {} });
    assert.equal(clock.sane, false);
    assert.equal(clock.notBefore, EARLIEST_PLAUSIBLE_TIME.toISOString());
    const check = clockSaneCheck(clock);
    assert.equal(check.status, 'fail');
    assert.match(check.reason, /2000-01-01T00:00:00\.000Z/);
    // Rehearsal does not excuse a wrong clock.
    assert.equal(relaxForRehearsal(check, true).status, 'fail');
  });

  test('CONCLAVE_BUILD_TIME moves the earliest plausible time later, never earlier', () => {
    const later = probeClock({ now: () => new Date('2030-01-01T00:00:00Z'), timeZone: 'UTC', env: { CONCLAVE_BUILD_TIME: '2031-05-01T00:00:00Z' } });
    assert.equal(later.notBefore, '2031-05-01T00:00:00.000Z');
    assert.equal(later.sane, false);
    const earlier = probeClock({ now: () => winter, timeZone: 'UTC', env: { CONCLAVE_BUILD_TIME: '1999-01-01T00:00:00Z' } });
    assert.equal(earlier.notBefore, EARLIEST_PLAUSIBLE_TIME.toISOString());
    assert.equal(clockSaneCheck(earlier).status, 'pass');
  });

  test('runs for real on this machine', () => {
    const clock = probeClock();
    assert.ok(Math.abs(Date.parse(clock.now) - Date.now()) < 60_000, 'reports the current time');
    assert.ok(clock.timeZone.length > 0);
    assert.equal(clock.utcOffsetMinutes, 0 - new Date(clock.now).getTimezoneOffset() || 0);
    assert.ok(clockUtcCheck(clock).reason.includes(clock.timeZone));
  });
});
