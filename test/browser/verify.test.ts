// "Verify a ceremony" in Debian's Chromium against the real main side: the IPC router's
// verifyCeremony handler over a real sealed ceremony folder (transcript written by the
// real writer, signed by a SoftHSM2 ceremony key and an Ed25519 witness key, finalized
// with reports and SHA256SUMS). Through the UI only: the intact folder is VERIFIED with
// the final hash verifyCeremonyFolder computes; after one byte of one entry's data is
// changed it is NOT VERIFIED, naming the same first failure as `conclave verify --json`
// (the built CLI, a subprocess), and the failing entry is marked in the transcript.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { finalizeCeremonyFolder, verifyCeremonyFolder, type FolderVerdict } from '../../main/ceremony/folder/index';
import { createStatusService } from '../../main/status/status-service';
import type { StatusService } from '../../main/status/types';
import type { CeremonyVerification, Result } from '../../preload/contract';
import { buildSealedCeremony, type CeremonyFixture } from '../helpers/ceremony-fixture';
import { CHROMIUM, expectOk, lastResponse, launchChromium, openApp, RENDERER_DIR, requireBrowserBuilds, ROOT, startStaticServer, unexpectedProblems, type OpenedPage, type StaticServer } from './harness';

const SCREENSHOTS = join(ROOT, 'test-results');
const CLI = join(ROOT, 'dist', 'cli', 'conclave.cjs');
const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

async function text(locator: Locator): Promise<string> {
  return (await locator.innerText()).trim();
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

/** What `conclave verify DIR --json` (the built CLI) says about the folder. */
function cliVerdict(dir: string): { status: number | null; verdict: FolderVerdict } {
  const run = spawnSync(process.execPath, [CLI, 'verify', dir, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, verdict: JSON.parse(run.stdout) as FolderVerdict };
}

/**
 * Changes one byte inside the data of the transcript entry with this seq: the first
 * lower-case letter that starts a string value there. The line stays valid JSON.
 */
function flipOneDataByte(dir: string, seq: number): void {
  const path = join(dir, 'transcript.jsonl');
  const lines = readFileSync(path, 'utf8').split('\n');
  const index = lines.findIndex((l) => l !== '' && (JSON.parse(l) as { seq: number }).seq === seq);
  assert.ok(index >= 0, `the transcript has an entry ${seq}`);
  const line = lines[index]!;
  const dataAt = line.indexOf('"data":{');
  assert.ok(dataAt >= 0, `entry ${seq} has data`);
  const match = /:"([a-z])/.exec(line.slice(dataAt + 8));
  assert.ok(match, `entry ${seq} has a string value in its data`);
  const at = dataAt + 8 + match.index + 2;
  const changed = line[at] === 'a' ? 'b' : 'a';
  lines[index] = `${line.slice(0, at)}${changed}${line.slice(at + 1)}`;
  assert.equal(lines[index]!.length, line.length);
  chmodSync(path, 0o644);
  writeFileSync(path, lines.join('\n'));
}

describe('Verify a ceremony screen against a real sealed ceremony folder', { skip: SKIP, timeout: 600_000 }, () => {
  const cleanups: Array<() => unknown> = [];
  const suite = { after: (fn: () => unknown) => cleanups.push(fn) };
  let ceremony: CeremonyFixture;
  let server: StaticServer;
  let browser: Browser;
  let status: StatusService;
  let opened: OpenedPage;
  let page: Page;
  let work: string;

  before(async () => {
    requireBrowserBuilds(CLI);
    ceremony = await buildSealedCeremony(suite, { custodians: ['Alice Chen', 'Bruno Silva', 'Chiara Rossi'] });
    await finalizeCeremonyFolder(ceremony.dir);
    work = mkdtempSync(join(tmpdir(), 'conclave-verify-browser-'));
    server = await startStaticServer(RENDERER_DIR);
    // The verify screen needs no HSM: a status service with no module configured.
    status = createStatusService({ dataDir: join(work, 'data'), whenUnconfigured: 'none', usb: null });
    browser = await launchChromium();
    ({ opened, page } = await openApp(browser, server, { status }));
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await status?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    for (const fn of cleanups.reverse()) await fn();
  });

  it('reaches "Verify a ceremony" from the keyboard', async () => {
    const tab = page.getByTestId('nav-verify');
    await page.locator('body').focus();
    for (let i = 0; i < 16 && !(await tab.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    assert.ok(await tab.evaluate((el) => el === document.activeElement), 'Tab reaches "Verify a ceremony" in the navigation');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Verify a ceremony' }).waitFor();
    assert.equal(await tab.getAttribute('aria-current'), 'page');
  });

  it('refuses a path that is not absolute without asking main', async () => {
    const before = opened.calls.length;
    await page.getByTestId('verify-directory').fill('relative/folder');
    await page.getByTestId('verify-start').click();
    await page.getByText('is not a full path', { exact: false }).waitFor();
    assert.equal(opened.calls.slice(before).filter((c) => c === 'conclave:verifyCeremony').length, 0);
  });

  it('shows VERIFIED and the final hash that verifyCeremonyFolder computes', async () => {
    const expected = await verifyCeremonyFolder(ceremony.dir);
    assert.equal(expected.ok, true, JSON.stringify(expected.firstFailure));
    assert.equal(expected.finalHash, ceremony.finalHash);

    await page.getByTestId('verify-directory').fill(ceremony.dir);
    await page.getByTestId('verify-directory').press('Enter');
    await page.getByTestId('verify-result').waitFor();
    assert.equal(await text(page.getByTestId('verify-word')), 'VERIFIED');
    assert.equal(await page.getByTestId('verify-first-failure').count(), 0);
    assert.equal(await page.getByTestId('verify-rehearsal').count(), 0, 'not a rehearsal');

    const hash = page.getByTestId('verify-final-hash');
    const words = await hash.locator('.fingerprint__word').allInnerTexts();
    assert.deepEqual(words.map((w) => w.trim()), expected.finalHashWords);
    const hex = (await text(hash.locator('.fingerprint__hex'))).replace(/\s+/g, '').toLowerCase();
    assert.equal(hex, expected.finalHash);

    const verdict = expectOk<CeremonyVerification>(lastResponse(opened, 'verifyCeremony'));
    assert.deepEqual(verdict.checks.map((c) => c.name), expected.checks.map((c) => c.name));
    assert.equal(await page.locator('.verify-checks tbody tr').count(), expected.checks.length);
    assert.equal(await page.locator('.verify-checks .badge--fail').count(), 0);

    const transcript = readFileSync(join(ceremony.dir, 'transcript.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(await page.locator('.verify-transcript tbody tr').count(), transcript.length, 'one row per transcript entry');
    const sealed = JSON.parse(transcript.at(-1)!) as { seq: number; type: string };
    assert.equal(await text(page.locator(`tr[data-row-id="entry-${sealed.seq}"] td code`)), sealed.type);
    assert.equal(await page.locator('.verify-transcript__row--failing').count(), 0);
    await screenshot(page, 'verify-screen-verified.png');
  });

  it('after one byte of an entry changes: NOT VERIFIED, the same first failure as the CLI', async () => {
    const entries = readFileSync(join(ceremony.dir, 'transcript.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { seq: number; type: string });
    const target = entries.find((e) => e.type === 'step-completed');
    assert.ok(target, 'the fixture has a step-completed entry');
    flipOneDataByte(ceremony.dir, target.seq);

    const cli = cliVerdict(ceremony.dir);
    assert.equal(cli.status, 1, 'the CLI refuses the tampered folder');
    const failure = cli.verdict.firstFailure;
    assert.ok(failure, 'the CLI names a first failure');
    assert.ok(failure.entrySeq !== undefined, `the CLI names an entry: ${JSON.stringify(failure)}`);

    await page.getByTestId('verify-start').click();
    await page.getByTestId('verify-word').filter({ hasText: 'NOT VERIFIED' }).waitFor();
    const subject = `Entry ${failure.entrySeq}${failure.entryType ? ` (${failure.entryType})` : ''}`;
    assert.equal(await text(page.getByTestId('verify-failure-subject')), subject);
    assert.equal(await text(page.getByTestId('verify-failure-reason')), failure.reason);

    const verdict = expectOk<CeremonyVerification>(lastResponse(opened, 'verifyCeremony'));
    assert.equal(verdict.ok, false);
    assert.deepEqual(verdict.checks, cli.verdict.checks);
    assert.ok((await page.locator('.verify-checks .badge--fail').count()) >= 1, 'a failed check is shown as FAIL');

    const row = page.locator(`tr[data-row-id="entry-${failure.entrySeq}"]`);
    assert.match((await row.getAttribute('class')) ?? '', /verify-transcript__row--failing/);
    assert.match(await text(row.locator('th')), /first failure/);
    assert.equal(await page.locator('.verify-transcript__row--failing').count(), 1);
    assert.equal(await text(page.getByTestId('nav-verify').locator('.screen-nav__note')), 'Not verified');
    await screenshot(page, 'verify-screen.png');
  });

  it('had no console errors, page errors or CSP violations', () => {
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
  });
});
