// QR transport through real files: the frames Conclave writes (frame-NNN.png and
// sheet.pdf) are read back by zbarimg, the outside oracle, and by the JavaScript decoder
// the import side uses; any 80% of the frame files rebuild the bundle; damaged, foreign
// and wrong-type frames are refused with the file named and the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { sha256Hex } from '../../../main/files/atomic-write';
import { decodeQrImages, frameFileName, framePng, frameSymbol, QrDecodeError, readQrPng, SHEET_FILE, writeQrFolder, type QrFolder } from '../../../main/qr/index';
import { encodeBytes } from '../../../main/qr/cbor';
import { singlePartUr } from '../../../main/qr/ur';
import { Xoshiro256 } from '../../../main/qr/xoshiro';
import { hasTool, paintBlock, pngSize, requireTool, seededPayload, shuffled, zbarRead, zbarReadAll } from './qr-helpers';

requireTool('zbarimg');
const temp = mkdtempSync(join(tmpdir(), 'conclave-qr-files-'));
after(() => rmSync(temp, { recursive: true, force: true }));

async function refusal(paths: string[]): Promise<QrDecodeError> {
  try {
    await decodeQrImages(paths);
  } catch (error) {
    assert.ok(error instanceof QrDecodeError, String(error));
    return error;
  }
  assert.fail('the images were decoded');
}

const SIZES = [
  { name: 'static', bytes: 200 },
  { name: 'small bundle', bytes: 1100 },
  { name: 'large bundle', bytes: 4096 },
];

for (const size of SIZES) {
  describe(`${size.name} (${size.bytes} bytes)`, () => {
    const payload = seededPayload(size.bytes, `files-${size.bytes}`);
    const dir = join(temp, size.name.replace(/ /g, '-'));
    let folder: QrFolder;
    let framePaths: string[];

    before(async () => {
      folder = await writeQrFolder(dir, payload, { label: `test ${size.name}` });
      framePaths = folder.frames.texts.map((_, i) => join(dir, frameFileName(i)));
    });

    test('the folder holds frame-001.png... and sheet.pdf, nothing else, hashes as recorded', () => {
      assert.equal(folder.frames.staticFrame, size.bytes === 200);
      const expected = [...framePaths.map((p) => p.slice(dir.length + 1)), SHEET_FILE].sort();
      assert.deepEqual(readdirSync(dir).sort(), expected);
      for (const file of folder.files) assert.equal(sha256Hex(readFileSync(file.path)), file.sha256);
    });

    test('zbarimg reads every frame file as exactly its frame text', () => {
      assert.deepEqual(zbarRead(framePaths), folder.frames.texts);
    });

    test('the JavaScript decoder reads every frame file as exactly its frame text', () => {
      for (let i = 0; i < framePaths.length; i++) assert.equal(readQrPng(readFileSync(framePaths[i]!)), folder.frames.texts[i]);
    });

    test('all the frame files rebuild the payload; its SHA-256 is the one on the sheet', async () => {
      const decoded = await decodeQrImages(framePaths);
      assert.deepEqual(decoded.bytes, payload);
      assert.equal(decoded.sha256, sha256Hex(payload));
      assert.equal(decoded.sha256, folder.frames.sha256);
      const pdf = await PDFDocument.load(readFileSync(join(dir, SHEET_FILE)));
      assert.equal(pdf.getSubject(), `Conclave bundle QR frames; SHA-256 ${decoded.sha256}`);
      assert.equal(pdf.getPageCount(), folder.frames.staticFrame ? 1 : Math.ceil(framePaths.length / 12));
    });

    test('the codes printed on the first page of the sheet read back as the first frames', { skip: hasTool('pdftoppm') ? false : 'pdftoppm (poppler-utils) is not installed' }, () => {
      const prefix = join(dir, 'sheet-page');
      const r = spawnSync('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-png', join(dir, SHEET_FILE), prefix], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const page = readdirSync(dir).find((f) => f.startsWith('sheet-page'))!;
      const read = zbarReadAll(join(dir, page));
      rmSync(join(dir, page));
      assert.deepEqual(read.sort(), folder.frames.texts.slice(0, 12).sort());
    });

    if (size.bytes > 200) {
      test('random 80% subsets of the frame files, in random order, rebuild the payload', async () => {
        const rng = new Xoshiro256(`files-subsets-${size.bytes}`);
        const keep = framePaths.length - Math.floor(framePaths.length / 5);
        for (let t = 0; t < 2; t++) {
          const subset = shuffled(framePaths, rng).slice(0, keep);
          const decoded = await decodeQrImages(subset);
          assert.deepEqual(decoded.bytes, payload);
          assert.equal(decoded.images.length, keep);
        }
      });
    }
  });
}

describe('damaged and foreign frames', () => {
  const payload = seededPayload(2000, 'tamper');
  const dir = join(temp, 'tamper');
  const work = join(temp, 'tamper-work');
  let folder: QrFolder;
  let framePaths: string[];

  before(async () => {
    folder = await writeQrFolder(dir, payload);
    framePaths = folder.frames.texts.map((_, i) => join(dir, frameFileName(i)));
    rmSync(work, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', work]);
  });

  function copyOf(index: number, name: string): string {
    const path = join(work, name);
    rmSync(path, { force: true });
    copyFileSync(framePaths[index]!, path);
    return path;
  }

  test('a frame with one changed character is refused and named; nothing is decoded', async () => {
    const text = folder.frames.texts[1]!;
    const at = text.length - 30;
    const changed = text.slice(0, at) + (text[at] === 'A' ? 'E' : 'A') + text.slice(at + 1);
    const path = join(work, 'changed-char.png');
    writeFileSync(path, framePng(changed));
    assert.deepEqual(zbarRead([path]), [changed], 'the image itself is a good QR code: the change is in the frame text');
    const error = await refusal([...framePaths, path]);
    assert.equal(error.code, 'QR_FRAME_DAMAGED');
    assert.match(error.message, /changed-char\.png: The frame is damaged/);
    assert.match(error.message, /nothing was decoded/);
    assert.equal(error.images.filter((i) => i.status === 'refused').length, 1);
  });

  test('a small changed pixel block is corrected by the QR error correction: same text', () => {
    const path = copyOf(4, 'small-block.png');
    const unit = pngSize(path) / (frameSymbol(folder.frames.texts[4]!).size + 8);
    // Two by two modules inside the data area.
    paintBlock(path, Math.round(20 * unit), Math.round(30 * unit), Math.round(2 * unit), 255);
    assert.equal(readQrPng(readFileSync(path)), folder.frames.texts[4]);
    assert.deepEqual(zbarRead([path]), [folder.frames.texts[4]]);
  });

  test('a large changed pixel block makes the frame unreadable: refused, for zbarimg too', async () => {
    const path = copyOf(5, 'large-block.png');
    const side = pngSize(path);
    paintBlock(path, Math.round(side * 0.3), Math.round(side * 0.3), Math.round(side * 0.35), 0);
    assert.deepEqual(zbarRead([path]), [null]);
    const error = await refusal([...framePaths, path]);
    assert.equal(error.code, 'QR_IMAGE_UNREADABLE');
    assert.match(error.message, /large-block\.png: no QR code could be read in it/);
  });

  test('a frame of another bundle is refused as another message', async () => {
    const otherDir = join(temp, 'other');
    const other = await writeQrFolder(otherDir, seededPayload(2000, 'other bundle'));
    const foreign = join(otherDir, frameFileName(3));
    const error = await refusal([...framePaths.slice(0, 10), foreign]);
    assert.equal(error.code, 'QR_FRAME_OTHER_MESSAGE');
    assert.match(error.message, new RegExp(`${frameFileName(3).replace('.', '\\.')}: The frame belongs to another message \\(checksum ${other.frames.checksum.toString(16).padStart(8, '0')}`));
  });

  test('a QR code of another UR type is refused as such', async () => {
    const path = join(work, 'bytes-type.png');
    writeFileSync(path, framePng(singlePartUr('bytes', encodeBytes(payload.slice(0, 100))).toUpperCase()));
    const error = await refusal([path, ...framePaths]);
    assert.equal(error.code, 'QR_FRAME_WRONG_TYPE');
    assert.match(error.message, /bytes-type\.png: The frame is a UR of type "bytes", not "conclave-bundle"/);
  });

  test('too few frames: says how many fragments are known and roughly how many more frames are needed', async () => {
    const error = await refusal(framePaths.slice(0, 4));
    assert.equal(error.code, 'QR_INCOMPLETE');
    const missing = folder.frames.fragments - 4;
    assert.match(error.message, new RegExp(`4 of its ${folder.frames.fragments} fragments are known; at least ${missing} more frame\\(s\\) are needed`));
    assert.equal(error.progress.fragmentsKnown, 4);
  });

  test('a file that is not a PNG, and a missing file, are refused by name', async () => {
    const notPng = join(work, 'notes.png');
    writeFileSync(notPng, 'not an image');
    const error = await refusal([notPng, join(work, 'missing.png'), ...framePaths]);
    assert.equal(error.code, 'QR_IMAGE_UNREADABLE');
    assert.match(error.message, /notes\.png: it is not a PNG image/);
    assert.match(error.message, /missing\.png: it does not exist/);
  });

  test('the frames of a folder are never written over', async () => {
    const before = readFileSync(framePaths[0]!);
    await assert.rejects(writeQrFolder(dir, seededPayload(2000, 'second export')), { code: 'FILE_EXISTS' });
    assert.deepEqual(readFileSync(framePaths[0]!), before);
    assert.equal(existsSync(join(dir, frameFileName(folder.frames.texts.length))), false);
  });
});
