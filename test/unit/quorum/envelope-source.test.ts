// Reading envelopes from files, QR images and pasted text, and the QR code Conclave
// prints: decoded by zbarimg (an outside tool) and jsQR to exactly the envelope text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { DomainError } from '../../../native/errors';
import { parseEnvelope } from '../../../main/quorum/envelope';
import { decodeQrPng, envelopeQrPng, readEnvelopeSource } from '../../../main/quorum/envelope-source';
import { parsePolicy } from '../../../main/quorum/policy';
import { sealedEnvelope, type SealedFixture } from './fixtures';

const ZBARIMG = '/usr/bin/zbarimg';
const dir = mkdtempSync(join(tmpdir(), 'conclave-envelope-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let plain: SealedFixture;
let unicode: SealedFixture;
before(async () => {
  plain = await sealedEnvelope();
  // Non-ASCII names are escaped in the canonical text; the QR code stays ASCII.
  unicode = await sealedEnvelope({ policy: parsePolicy({ threshold: 2, custodians: [{ name: 'Zoë Ångström' }, { name: '李小龍' }, { name: 'Ω' }] }), index: 2 });
});

const rejectsWith = (promise: Promise<unknown>, code: string, pattern: RegExp) =>
  assert.rejects(promise, (e: unknown) => {
    assert.ok(DomainError.is(e), String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });

describe('QR codes', () => {
  for (const [label, get] of [['ASCII names', () => plain], ['non-ASCII names', () => unicode]] as const) {
    test(`envelopeQrPng decodes with zbarimg and jsQR to the exact text (${label})`, async () => {
      assert.ok(existsSync(ZBARIMG), 'zbarimg (zbar-tools) is installed');
      const { text } = get();
      const png = await envelopeQrPng(text);
      const path = join(dir, `${label.replace(/\W/g, '-')}.png`);
      writeFileSync(path, png);
      const zbar = execFileSync(ZBARIMG, ['--raw', '-q', path], { encoding: 'utf8' });
      assert.equal(zbar.replace(/\n$/, ''), text);
      assert.equal(new TextDecoder().decode(decodeQrPng(png)!), text);
      assert.equal(await readEnvelopeSource({ kind: 'qr-image', path }), text);
      parseEnvelope(await readEnvelopeSource({ kind: 'qr-image', path }));
    });
  }

  test('an image without a QR code, a file that is not a PNG, a missing image', async () => {
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    const blankPath = join(dir, 'blank.png');
    writeFileSync(blankPath, PNG.sync.write(blank));
    await rejectsWith(readEnvelopeSource({ kind: 'qr-image', path: blankPath }), 'ENVELOPE_QR_UNREADABLE', /No QR code could be read in the image .*blank\.png/);
    const notPng = join(dir, 'not.png');
    writeFileSync(notPng, 'hello');
    await rejectsWith(readEnvelopeSource({ kind: 'qr-image', path: notPng }), 'ENVELOPE_QR_UNREADABLE', /not a PNG image/);
    await rejectsWith(readEnvelopeSource({ kind: 'qr-image', path: join(dir, 'absent.png') }), 'ENVELOPE_QR_UNREADABLE', /does not exist/);
  });

  test('an envelope too large for one QR code is refused with a clear error', async () => {
    await rejectsWith(envelopeQrPng('x'.repeat(4000)), 'ENVELOPE_QR_TOO_LARGE', /does not fit in one QR code/);
  });
});

describe('files and pasted text', () => {
  test('a file: surrounding whitespace and a byte-order mark are dropped', async () => {
    const path = join(dir, 'envelope.json');
    writeFileSync(path, `\uFEFF${plain.text}\n`);
    assert.equal(await readEnvelopeSource({ kind: 'file', path }), plain.text);
  });

  test('file errors name the file', async () => {
    await rejectsWith(readEnvelopeSource({ kind: 'file', path: join(dir, 'missing.json') }), 'ENVELOPE_UNREADABLE', /missing\.json does not exist/);
    await rejectsWith(readEnvelopeSource({ kind: 'file', path: dir }), 'ENVELOPE_UNREADABLE', /is not a file/);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '  \n');
    await rejectsWith(readEnvelopeSource({ kind: 'file', path: empty }), 'ENVELOPE_UNREADABLE', /empty/);
    const binary = join(dir, 'binary.json');
    writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0xc3]));
    await rejectsWith(readEnvelopeSource({ kind: 'file', path: binary }), 'ENVELOPE_UNREADABLE', /not valid UTF-8/);
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, Buffer.alloc(200 * 1024, 0x20));
    await rejectsWith(readEnvelopeSource({ kind: 'file', path: huge }), 'ENVELOPE_UNREADABLE', /more than/);
  });

  test('pasted text', async () => {
    assert.equal(await readEnvelopeSource({ kind: 'text', text: `  ${plain.text}\r\n` }), plain.text);
    await rejectsWith(readEnvelopeSource({ kind: 'text', text: ' \n ' }), 'ENVELOPE_UNREADABLE', /empty/);
  });
});
