// The ceremony folder end to end with real parts: a sealed ceremony built with the real
// transcript writer, a SoftHSM2 ceremony key and an Ed25519 witness key file; finalize
// writes report.html, report.pdf and SHA256SUMS; `sha256sum -c` (the real tool) accepts
// them; the PDF parses; the QR code in report.html decodes (zbarimg) to the final hash;
// `conclave verify` (the built CLI, a subprocess) accepts the folder and names the first
// failure of every kind of tampering.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { finalizeCeremonyFolder, verifyCeremonyFolder, type FolderVerdict } from '../../../main/ceremony/folder/index';
import { decodeQrPng } from '../../../main/quorum/envelope-source';
import { groupedHex } from '../../../main/quorum/fingerprint';
import { buildSealedCeremony, type CeremonyFixture } from '../../helpers/ceremony-fixture';
import { rejectsWithCode } from '../../helpers/softhsm';
import { readRawEntries, writeRelinked } from '../../helpers/transcript-tamper';

const repoRoot = join(__dirname, '..', '..', '..');
const cliPath = join(repoRoot, 'dist', 'cli', 'conclave.cjs');

/** A suite-wide cleanup list (node:test's `after` at describe level). */
const cleanups: Array<() => unknown> = [];
const suite = { after: (fn: () => unknown) => cleanups.push(fn) };

let fixture: CeremonyFixture;
let finalHash: string;

function copyOfFolder(): string {
  const copy = mkdtempSync(join(tmpdir(), 'conclave-folder-copy-'));
  cpSync(fixture.dir, copy, { recursive: true });
  cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
  return copy;
}

function lines(dir: string): string[] {
  return readFileSync(join(dir, 'transcript.jsonl'), 'utf8').split('\n').slice(0, -1);
}

function writeLines(dir: string, list: string[]): void {
  const path = join(dir, 'transcript.jsonl');
  chmodSync(path, 0o644);
  writeFileSync(path, `${list.join('\n')}\n`);
}

function seqOfType(dir: string, type: string, nth = 0): number {
  return readRawEntries(join(dir, 'transcript.jsonl')).filter((e) => e.type === type)[nth]!.seq;
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

function assertFirstFailure(verdict: FolderVerdict, expected: { check: string; entrySeq?: number; entryType?: string; file?: string; reason: RegExp }): void {
  assert.equal(verdict.ok, false, 'the verifier accepted a tampered folder');
  const failure = verdict.firstFailure;
  assert.ok(failure, 'no first failure named');
  const failing = verdict.checks.find((c) => !c.ok)!;
  assert.equal(failing.name, expected.check, `first failing check: ${JSON.stringify(failure)}`);
  if (expected.entrySeq !== undefined) assert.equal(failure.entrySeq, expected.entrySeq, JSON.stringify(failure));
  if (expected.entryType !== undefined) assert.equal(failure.entryType, expected.entryType, JSON.stringify(failure));
  if (expected.file !== undefined) assert.equal(failure.file, expected.file, JSON.stringify(failure));
  assert.match(failure.reason, expected.reason);
}

describe('ceremony folder', () => {
  before(async () => {
    fixture = await buildSealedCeremony(suite, { administrator: 'Zoë Ångström-Łukasz', custodians: ['Alice Chen', 'Bruno Silva', 'Chiara Rossi'] });
    finalHash = fixture.finalHash!;
    await finalizeCeremonyFolder(fixture.dir);
  });
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  test('finalize writes the reports and SHA256SUMS, which the real sha256sum accepts', () => {
    const names = readdirSync(fixture.dir).sort();
    assert.deepEqual(names, ['SHA256SUMS', 'report.html', 'report.pdf', 'root-public.pem', 'transcript.jsonl']);
    const sums = readFileSync(join(fixture.dir, 'SHA256SUMS'), 'utf8');
    assert.deepEqual(
      sums.split('\n').slice(0, -1).map((l) => l.slice(66)),
      ['report.html', 'report.pdf', 'root-public.pem', 'transcript.jsonl'],
    );
    const out = execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: fixture.dir, encoding: 'utf8' });
    assert.equal(out, 'report.html: OK\nreport.pdf: OK\nroot-public.pem: OK\ntranscript.jsonl: OK\n');
  });

  test('report.html is self-contained, marks the final hash, and its QR code decodes to it', () => {
    const html = readFileSync(join(fixture.dir, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /<script|<link|src="http|url\(/i, 'the report loads nothing from outside');
    assert.ok(html.includes(groupedHex(Buffer.from(finalHash, 'hex'))));
    assert.ok(html.includes('Zoë Ångström-Łukasz'), 'the HTML keeps names exactly');
    assert.doesNotMatch(html, /REHEARSAL/, 'a production report is not marked as a rehearsal');
    for (const block of ['Administrator', 'Custodian', 'Witness']) assert.ok(html.includes(`— ${block}`), `signature block for ${block}`);
    const png = Buffer.from(/src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(html)![1]!, 'base64');
    assert.equal(new TextDecoder().decode(decodeQrPng(png)!), finalHash);
    const pngPath = join(mkdtempSync(join(tmpdir(), 'conclave-qr-')), 'final-hash.png');
    cleanups.push(() => rmSync(join(pngPath, '..'), { recursive: true, force: true }));
    writeFileSync(pngPath, png);
    const decoded = execFileSync('zbarimg', ['--raw', '-q', pngPath], { encoding: 'utf8' }).trim();
    assert.equal(decoded, finalHash);
  });

  test('report.pdf parses and carries the final hash; its text shows it where pdftotext is installed', async (t) => {
    const bytes = readFileSync(join(fixture.dir, 'report.pdf'));
    const pdf = await PDFDocument.load(bytes);
    assert.ok(pdf.getPageCount() >= 2);
    assert.ok(pdf.getSubject()!.endsWith(finalHash));
    const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;
    if (!hasPdftotext) {
      t.diagnostic('pdftotext is not installed: the PDF text check is skipped (pdf-lib parsing above still ran)');
      return;
    }
    const text = execFileSync('pdftotext', ['-layout', join(fixture.dir, 'report.pdf'), '-'], { encoding: 'utf8' });
    assert.ok(text.includes(finalHash), 'the full final hash is in the PDF text');
    assert.ok(text.includes('Zoe Angstrom-Lukasz - Administrator'), 'non-ASCII names are transliterated, not refused');
    assert.match(text, /accents are dropped/);
  });

  test('verifyCeremonyFolder and `conclave verify` accept the untouched folder', async () => {
    const verdict = await verifyCeremonyFolder(fixture.dir);
    assert.equal(verdict.ok, true, JSON.stringify(verdict.firstFailure));
    assert.equal(verdict.finalHash, finalHash);
    assert.deepEqual(
      verdict.checks.map((c) => c.name),
      ['chain', 'script', 'signatures', 'seal', 'policy', 'recorded-files', 'sha256sums', 'unlisted-files', 'report'],
    );
    const result = cli(['verify', fixture.dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^VERIFIED/);
    assert.ok(result.stdout.includes(groupedHex(Buffer.from(finalHash, 'hex'))));
    assert.ok(result.stdout.includes(verdict.finalHashWords!.join(' ')));
    const json = cli(['verify', fixture.dir, '--json']);
    assert.equal(json.status, 0);
    assert.equal((JSON.parse(json.stdout) as FolderVerdict).finalHash, finalHash);
  });

  test('`conclave verify` without a folder is a usage error (2)', () => {
    const result = cli(['verify']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /takes one ceremony folder DIR/);
  });

  test('finalizing again accepts identical outputs and refuses different ones', async () => {
    const again = await finalizeCeremonyFolder(fixture.dir);
    assert.deepEqual(again.outputs.map((o) => o.state), ['already-present', 'already-present', 'already-present']);
    const copy = copyOfFolder();
    chmodSync(join(copy, 'report.html'), 0o644);
    appendFileSync(join(copy, 'report.html'), '<!-- changed -->');
    const error = await rejectsWithCode(finalizeCeremonyFolder(copy), 'CEREMONY_FOLDER_OUTPUT_DIFFERS');
    assert.match(error.message, /report\.html already exists and differs/);
    const extra = copyOfFolder();
    writeFileSync(join(extra, 'notes.txt'), 'added later\n');
    // report.html's file list changes, so the existing report no longer matches: refused, nothing overwritten.
    const before = readFileSync(join(extra, 'report.html'));
    await rejectsWithCode(finalizeCeremonyFolder(extra), 'CEREMONY_FOLDER_OUTPUT_DIFFERS');
    assert.deepEqual(readFileSync(join(extra, 'report.html')), before);
  });

  test('finalize resumes after a crash between its writes', async () => {
    const copy = copyOfFolder();
    unlinkSync(join(copy, 'report.pdf'));
    unlinkSync(join(copy, 'SHA256SUMS'));
    writeFileSync(join(copy, '.report.pdf.0123456789ab.partial'), 'half a pdf');
    const result = await finalizeCeremonyFolder(copy);
    assert.deepEqual(result.outputs.map((o) => [o.path, o.state]), [['report.html', 'already-present'], ['report.pdf', 'written'], ['SHA256SUMS', 'written']]);
    assert.deepEqual(readFileSync(join(copy, 'SHA256SUMS')), readFileSync(join(fixture.dir, 'SHA256SUMS')));
    assert.equal(existsSync(join(copy, '.report.pdf.0123456789ab.partial')), false);
  });

  test("finalize refuses another writer's unfinished temporary file rather than vouching for it", async () => {
    const copy = copyOfFolder();
    writeFileSync(join(copy, '.root-certificate.pem.a1b2c3d4e5f6.partial'), 'half a certificate');
    const error = await rejectsWithCode(finalizeCeremonyFolder(copy), 'CEREMONY_FOLDER_UNEXPECTED_FILE');
    assert.match(error.message, /never finished/);
  });

  describe('tampering is detected and the first failure named', () => {
    test('a changed entry', async () => {
      const copy = copyOfFolder();
      const list = lines(copy);
      const seq = seqOfType(copy, 'clock-confirmed');
      list[seq] = list[seq]!.replace('"timeZone":"UTC"', '"timeZone":"CET"');
      writeLines(copy, list);
      const verdict = await verifyCeremonyFolder(copy);
      assertFirstFailure(verdict, { check: 'chain', entrySeq: seq, entryType: 'clock-confirmed', reason: new RegExp(`entry ${seq} was changed after it was written`) });
      const result = cli(['verify', copy]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(`First failure: entry ${seq} \\(clock-confirmed, line ${seq + 1}\\)`));
    });

    test('a removed entry', async () => {
      const copy = copyOfFolder();
      const list = lines(copy);
      list.splice(5, 1);
      writeLines(copy, list);
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'chain', entrySeq: 5, reason: /entry 5 is missing/ });
    });

    test('reordered entries', async () => {
      const copy = copyOfFolder();
      const list = lines(copy);
      [list[6], list[7]] = [list[7]!, list[6]!];
      writeLines(copy, list);
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'chain', entrySeq: 6, reason: /out of order/ });
    });

    test('an entry appended after the seal', async () => {
      const copy = copyOfFolder();
      const list = lines(copy);
      writeLines(copy, [...list, list[list.length - 2]!]);
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'chain', reason: /sealed|seq/ });
      assert.equal(verdictLine(await verifyCeremonyFolder(copy)), list.length + 1);
    });

    test('a changed entry with every later link recomputed: the checkpoint signature fails', async () => {
      const copy = copyOfFolder();
      const path = join(copy, 'transcript.jsonl');
      chmodSync(path, 0o644);
      const entries = readRawEntries(path);
      const clock = entries.find((e) => e.type === 'clock-confirmed')!;
      clock.data = { ...clock.data, timeZone: 'Europe/Berlin' };
      writeRelinked(path, entries);
      const checkpointSignature = entries.find((e) => e.type === 'signature')!.seq;
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'signatures', entrySeq: checkpointSignature, entryType: 'signature', reason: /does not verify/ });
    });

    test('a bad signature', async () => {
      const copy = copyOfFolder();
      const path = join(copy, 'transcript.jsonl');
      chmodSync(path, 0o644);
      const entries = readRawEntries(path);
      const witnessSeal = entries.filter((e) => e.type === 'signature' && (e.data.signer as { kind: string }).kind === 'witness').pop()!;
      const signature = Buffer.from(witnessSeal.data.signature as string, 'base64');
      signature[10]! ^= 0x01;
      witnessSeal.data = { ...witnessSeal.data, signature: signature.toString('base64') };
      writeRelinked(path, entries);
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'signatures', entrySeq: witnessSeal.seq, entryType: 'signature', reason: /Wanda Okafor.*does not verify|does not verify.*Wanda/ });
    });

    test('a missing witness signature', async () => {
      const copy = copyOfFolder();
      const path = join(copy, 'transcript.jsonl');
      chmodSync(path, 0o644);
      const entries = readRawEntries(path);
      const sealSeq = entries.find((e) => e.type === 'seal')!.seq;
      const witnessSeal = entries.filter((e) => e.type === 'signature' && (e.data.signer as { kind: string }).kind === 'witness').pop()!;
      const kept = entries.filter((e) => e !== witnessSeal);
      const sealed = kept[kept.length - 1]!;
      sealed.data = { ...sealed.data, signatures: (sealed.data.signatures as number[]).filter((s) => s !== witnessSeal.seq) };
      writeRelinked(path, kept);
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'signatures', entrySeq: sealSeq, entryType: 'seal', reason: /witness Wanda Okafor did not sign the seal/ });
    });

    test('a changed file the transcript records', async () => {
      const copy = copyOfFolder();
      chmodSync(join(copy, 'root-public.pem'), 0o644);
      appendFileSync(join(copy, 'root-public.pem'), '\n');
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'recorded-files', file: 'root-public.pem', entryType: 'file-written', reason: /transcript records/ });
    });

    test('an extra file', async () => {
      const copy = copyOfFolder();
      mkdirSync(join(copy, 'bundles'));
      writeFileSync(join(copy, 'bundles', 'extra.bin'), 'added after the ceremony');
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'unlisted-files', file: 'bundles/extra.bin', reason: /not listed in SHA256SUMS/ });
      const result = cli(['verify', copy]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /First failure: file bundles\/extra\.bin: /);
    });

    test('a symbolic link', async () => {
      const copy = copyOfFolder();
      symlinkSync('/etc/hostname', join(copy, 'qr-link'));
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'unlisted-files', file: 'qr-link', reason: /symbolic link/ });
    });

    test('rehearsal leftovers in a production folder', async () => {
      const copy = copyOfFolder();
      writeFileSync(join(copy, 'rehearsal-answers.json'), '{}');
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'unlisted-files', file: 'rehearsal-answers.json', reason: /only in a rehearsal folder/ });
    });

    test('a missing file', async () => {
      const copy = copyOfFolder();
      unlinkSync(join(copy, 'report.pdf'));
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'sha256sums', file: 'report.pdf', reason: /missing/ });
    });

    test('a changed report', async () => {
      const copy = copyOfFolder();
      chmodSync(join(copy, 'report.html'), 0o644);
      const html = readFileSync(join(copy, 'report.html'), 'utf8');
      writeFileSync(join(copy, 'report.html'), html.replace('<h1>', '<h1>Edited '));
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'sha256sums', file: 'report.html', reason: /was changed/ });
    });

    test("another ceremony's final hash in the report, with SHA256SUMS rewritten to match", async () => {
      const copy = copyOfFolder();
      const other = 'ab'.repeat(32);
      chmodSync(join(copy, 'report.html'), 0o644);
      chmodSync(join(copy, 'SHA256SUMS'), 0o644);
      writeFileSync(join(copy, 'report.html'), readFileSync(join(copy, 'report.html'), 'utf8').replaceAll(finalHash, other));
      const sums = execFileSync('sha256sum', ['report.html', 'report.pdf', 'root-public.pem', 'transcript.jsonl'], { cwd: copy, encoding: 'utf8' });
      writeFileSync(join(copy, 'SHA256SUMS'), sums);
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'report', file: 'report.html', reason: new RegExp(`shows the final hash ${other}`) });
    });

    test('a torn last line', async () => {
      const copy = copyOfFolder();
      chmodSync(join(copy, 'transcript.jsonl'), 0o644);
      appendFileSync(join(copy, 'transcript.jsonl'), '{"v":1,"seq":');
      assertFirstFailure(await verifyCeremonyFolder(copy), { check: 'chain', reason: /follow the sealed entry/ });
    });
  });
});

function verdictLine(verdict: FolderVerdict): number | undefined {
  return verdict.firstFailure?.line;
}
