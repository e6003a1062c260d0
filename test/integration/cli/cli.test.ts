// The built CLI (dist/cli/conclave.cjs) as a real subprocess under plain Node, against
// SoftHSM2, this machine's network, clock, USB and mounts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { ModuleInfoSchema, RoomReportSchema, TokenFactsSchema, type RoomReport } from '../../../preload/contract';
import { conclave, ensureBuilt, repoRoot, SOFTHSM_MODULE, softHsmToken, type SoftHsmFixture } from './softhsm-fixture';

const CHECK_IDS = ['air-gap', 'wireless', 'bluetooth', 'clock-utc', 'clock-sane', 'pkcs11-module', 'tokens', 'usb', 'removable-media'];
const TokensOutputSchema = z.strictObject({ module: ModuleInfoSchema, tokens: z.array(TokenFactsSchema) });

let fixture: SoftHsmFixture;
const temp = mkdtempSync(join(tmpdir(), 'conclave-cli-'));
before(() => {
  ensureBuilt();
  fixture = softHsmToken('CLI Test Root');
});
after(() => {
  fixture?.remove();
  rmSync(temp, { recursive: true, force: true });
});

const statusOf = (report: RoomReport, id: string) => report.checks.find((c) => c.id === id)?.status;

describe('conclave tokens', () => {
  test('--module SoftHSM2 --json lists the initialized token with its flags', () => {
    const r = conclave(['tokens', '--module', SOFTHSM_MODULE, '--json'], { SOFTHSM2_CONF: fixture.confPath });
    assert.equal(r.status, 0, r.stderr);
    const out = TokensOutputSchema.parse(JSON.parse(r.stdout));
    assert.equal(out.module.path, SOFTHSM_MODULE);
    assert.match(out.module.manufacturer, /SoftHSM/);
    const mine = out.tokens.find((t) => t.token?.label === fixture.label);
    assert.ok(mine, `the token "${fixture.label}" is listed`);
    assert.equal(mine.state, 'ready');
    assert.equal(mine.tokenPresent, true);
    assert.equal(mine.token?.flags.tokenInitialized, true);
    assert.equal(mine.token?.flags.userPinInitialized, true);
    assert.equal(mine.token?.flags.loginRequired, true);
    assert.equal(mine.token?.flags.userPinLocked, false);
    assert.match(mine.slotId, /^\d+$/);
    // SoftHSM2 always offers one more, uninitialized token.
    assert.ok(out.tokens.some((t) => t.state === 'uninitialized'));
    assert.ok(!r.stdout.includes(fixture.userPin) && !r.stdout.includes(fixture.soPin));
  });

  test('the table lists slots, the token, its state and flags', () => {
    const r = conclave(['tokens', '--module', SOFTHSM_MODULE], { SOFTHSM2_CONF: fixture.confPath, COLUMNS: '140' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Module: .*libsofthsm2\.so/m);
    assert.match(r.stdout, /^SLOT +TOKEN +SERIAL +STATE +HEALTH$/m);
    assert.match(r.stdout, /CLI Test Root .* ready /);
    assert.match(r.stdout.replace(/\s+/g, ' '), /Flags: initialized, login required, user PIN set/);
  });

  test('without --module it uses CONCLAVE_PKCS11_MODULE', () => {
    const r = conclave(['tokens', '--json'], { SOFTHSM2_CONF: fixture.confPath, CONCLAVE_PKCS11_MODULE: SOFTHSM_MODULE });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(TokensOutputSchema.parse(JSON.parse(r.stdout)).tokens.some((t) => t.token?.label === fixture.label));
  });

  test('without --module or the variable it finds SoftHSM2 among the known locations', () => {
    const r = conclave(['tokens', '--json'], { SOFTHSM2_CONF: fixture.confPath });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(TokensOutputSchema.parse(JSON.parse(r.stdout)).module.path, SOFTHSM_MODULE);
  });

  test('a module that does not exist fails with exit 1, naming it and what to do', () => {
    const missing = join(temp, 'libnothere.so');
    const r = conclave(['tokens', '--module', missing]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^conclave: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    assert.match(r.stderr, /What to do: /);
  });
});

describe('conclave doctor', () => {
  test('--json reports every check with a reason and exits non-zero when not ready', () => {
    const dataDir = join(temp, 'doctor-plain');
    const r = conclave(['doctor', '--json', '--data-dir', dataDir]);
    const report = RoomReportSchema.parse(JSON.parse(r.stdout));
    assert.deepEqual(report.checks.map((c) => c.id), CHECK_IDS);
    for (const c of report.checks) {
      assert.ok(c.reason.trim().length > 0, `${c.id} has a reason`);
      if (c.status !== 'pass') assert.ok(c.action.trim().length > 0, `${c.id} says what to do`);
    }
    // No module is configured for this data folder, so the room cannot be ready.
    assert.equal(statusOf(report, 'pkcs11-module'), 'fail');
    assert.equal(report.ready, false);
    assert.equal(report.rehearsal, false);
    assert.equal(r.status, 1);
    // Every failure reason is repeated on stderr.
    for (const c of report.checks.filter((x) => x.status === 'fail')) assert.ok(r.stderr.includes(c.reason), c.id);
    // doctor never makes a rehearsal token on its own.
    assert.equal(existsSync(join(dataDir, 'rehearsal-token')), false);
  });

  test('the air-gap check agrees with the interfaces that are up on this machine', () => {
    const r = conclave(['doctor', '--json', '--data-dir', join(temp, 'doctor-net')]);
    const report = RoomReportSchema.parse(JSON.parse(r.stdout));
    const up: string[] = [];
    const netDir = '/sys/class/net';
    if (existsSync(netDir)) {
      for (const name of require('node:fs').readdirSync(netDir) as string[]) {
        const state = (() => {
          try {
            return readFileSync(join(netDir, name, 'operstate'), 'utf8').trim();
          } catch {
            return '';
          }
        })();
        if (name !== 'lo' && state === 'up') up.push(name);
      }
    }
    const airGap = report.checks.find((c) => c.id === 'air-gap')!;
    if (up.length > 0) {
      assert.equal(airGap.status, 'fail');
      for (const name of up) assert.ok(airGap.reason.includes(name), `${name} is named`);
    } else {
      assert.notEqual(airGap.status, 'fail');
    }
  });

  test('the default output is an aligned table with every check, then every failure reason', () => {
    const r = conclave(['doctor', '--data-dir', join(temp, 'doctor-table')], { COLUMNS: '120' });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^STATUS {2}CHECK +REASON$/m);
    for (const title of ['Air gap', 'Wireless', 'Bluetooth', 'Clock time zone is UTC', 'Clock is set', 'PKCS#11 module', 'Tokens', 'USB devices', 'Removable media']) {
      assert.match(r.stdout, new RegExp(`^(PASS|WARN|FAIL) {4}${title.replace('#', '\\#')}`, 'm'), title);
    }
    assert.match(r.stdout, /^FAIL {4}PKCS#11 module +No PKCS#11 module is configured/m);
    assert.match(r.stdout, /What to do: /);
    assert.match(r.stdout, /^The room is NOT ready: \d+ checks? failed/m);
    assert.match(r.stdout, /^ {2}- PKCS#11 module: No PKCS#11 module is configured/m);
    assert.ok(r.stdout.split('\n').every((line) => line.length <= 120 || line.startsWith('  - ')), 'lines fit the width');
  });

  test('--rehearsal makes the rehearsal token in the data folder; its module and token checks pass', () => {
    const dataDir = join(temp, 'doctor-rehearsal');
    const r = conclave(['doctor', '--rehearsal', '--json', '--data-dir', dataDir]);
    const report = RoomReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(report.rehearsal, true);
    assert.equal(statusOf(report, 'pkcs11-module'), 'pass', JSON.stringify(report.checks));
    assert.equal(statusOf(report, 'tokens'), 'pass');
    assert.match(report.checks.find((c) => c.id === 'tokens')!.reason, /"CONCLAVE REHEARSAL"/);
    // Rehearsal relaxes the air gap, never the module or the clock.
    assert.notEqual(statusOf(report, 'air-gap'), 'fail');
    assert.equal(r.status, report.ready ? 0 : 1);
    assert.ok(existsSync(join(dataDir, 'rehearsal-token', 'softhsm2.conf')));

    // The PINs saved for the rehearsal token never appear in the output.
    const pins = JSON.parse(readFileSync(join(dataDir, 'rehearsal-token', 'rehearsal-pins.json'), 'utf8')) as { soPin: string; userPin: string };
    for (const text of [r.stdout, r.stderr]) {
      assert.ok(!text.includes(pins.soPin) && !text.includes(pins.userPin));
    }

    // A second run reuses the same token and says so.
    const again = conclave(['doctor', '--rehearsal', '--data-dir', dataDir]);
    assert.match(again.stdout, /^REHEARSAL: Rehearsal was requested, so Conclave uses the throwaway SoftHSM2 rehearsal token it made in /m);
    assert.match(again.stdout, /nothing done here counts for production/);
    assert.match(again.stdout, /Conclave room check, .* \(REHEARSAL\)/);
  });

  test('--module with a SoftHSM2 token passes the module and token checks', () => {
    const r = conclave(['doctor', '--json', '--module', SOFTHSM_MODULE, '--data-dir', join(temp, 'doctor-module')], { SOFTHSM2_CONF: fixture.confPath });
    const report = RoomReportSchema.parse(JSON.parse(r.stdout));
    assert.equal(statusOf(report, 'pkcs11-module'), 'pass');
    assert.equal(statusOf(report, 'tokens'), 'pass');
    assert.match(report.checks.find((c) => c.id === 'tokens')!.reason, /"CLI Test Root"/);
    assert.equal(report.rehearsal, false);
  });

  test('a time zone other than UTC fails the clock check; rehearsal only warns', () => {
    const strict = RoomReportSchema.parse(JSON.parse(conclave(['doctor', '--json', '--data-dir', join(temp, 'tz')], { TZ: 'Europe/Berlin' }).stdout));
    const clock = strict.checks.find((c) => c.id === 'clock-utc')!;
    assert.equal(clock.status, 'fail');
    assert.match(clock.reason, /Europe\/Berlin/);
    const relaxed = RoomReportSchema.parse(JSON.parse(conclave(['doctor', '--json', '--rehearsal', '--data-dir', join(temp, 'tz')], { TZ: 'Europe/Berlin' }).stdout));
    assert.equal(statusOf(relaxed, 'clock-utc'), 'warn');
    assert.match(relaxed.checks.find((c) => c.id === 'clock-utc')!.reason, /allowed in rehearsal/);
  });

  test('a module that fails to load is reported in the module check, not as a crash', () => {
    const bogus = join(repoRoot, 'package.json');
    const r = conclave(['doctor', '--json', '--module', bogus, '--data-dir', join(temp, 'doctor-bogus')]);
    assert.equal(r.status, 1);
    const report = RoomReportSchema.parse(JSON.parse(r.stdout));
    const module = report.checks.find((c) => c.id === 'pkcs11-module')!;
    assert.equal(module.status, 'fail');
    assert.ok(module.reason.startsWith(`${bogus}: `), module.reason);
    assert.ok(module.action.length > 0);
  });
});

describe('usage', () => {
  test('--help, help and help <command> print usage and exit 0', () => {
    for (const args of [['--help'], ['help'], []]) {
      const r = conclave(args);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, /^Usage: conclave <command> \[options\]/);
    }
    assert.match(conclave(['help', 'doctor']).stdout, /^Usage: conclave doctor \[--json\]/);
    assert.match(conclave(['tokens', '--help']).stdout, /^Usage: conclave tokens/);
  });

  test('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const r = conclave(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `conclave ${pkg.version}\n`);
  });

  test('unknown commands, flags and extra words exit 2 naming them, with the usage', () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['doctor', '--jsn'], /Unknown option --jsn for "conclave doctor"/],
      [['tokens', '--rehearsal'], /Unknown option --rehearsal for "conclave tokens"/],
      [['tokens', 'extra'], /Unexpected argument "extra"/],
      [['doctor', '--module', SOFTHSM_MODULE, '--rehearsal'], /--module and --rehearsal exclude each other/],
      [['doctor', '--module'], /--module/],
      [['--verbose'], /Unknown option --verbose/],
    ];
    for (const [args, pattern] of cases) {
      const r = conclave(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, pattern);
      assert.match(r.stderr, /Usage: conclave <command>/);
    }
  });

  test('npx conclave runs the bin entry from package.json', () => {
    const r = spawnSync('npx', ['--no-install', 'conclave', '--version'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^conclave \d+\.\d+\.\d+/);
  });
});
