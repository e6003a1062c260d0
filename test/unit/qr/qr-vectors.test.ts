// The QR transport vectors (test/vectors/qr, docs/qr-transport.md): the encoder must
// still produce exactly the recorded frame texts, and the decoder must read them back
// and refuse the recorded bad frames for the recorded reasons.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UrMessageDecoder } from '../../../main/qr/decoder';
import { qrFramesFor } from '../../../main/qr/frames';

const dir = join(import.meta.dirname, '..', '..', 'vectors', 'qr');
const load = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

interface FrameVector {
  frame: number;
  text: string;
}

for (const name of ['static.json', 'animated.json']) {
  describe(`vector ${name}`, () => {
    const v = load(name);
    const payload = fromHex(v.payloadHex);

    test('the encoder produces exactly the recorded frames', () => {
      const frames = qrFramesFor(payload);
      assert.equal(frames.staticFrame, v.staticFrame);
      assert.equal(frames.sha256, v.payloadSha256);
      assert.equal(frames.checksum, v.messageCrc32);
      assert.equal(frames.fragments, v.fragments);
      assert.equal(frames.fragmentLength, v.fragmentLength);
      assert.deepEqual(frames.texts, v.frames.map((f: FrameVector) => f.text));
    });

    test('the decoder rebuilds the payload from the recorded frames, last first', () => {
      const decoder = new UrMessageDecoder(v.urType);
      for (const f of [...v.frames].reverse() as FrameVector[]) decoder.receive(f.text);
      assert.equal(decoder.progress().complete, true);
      assert.deepEqual(decoder.bytes(), payload);
      assert.deepEqual(decoder.cbor(), fromHex(v.messageCborHex));
    });
  });
}

describe('vector refused.json', () => {
  const animated = load('animated.json');
  const { cases } = load('refused.json');
  for (const c of cases as { name: string; before: number[]; text: string; code: string }[]) {
    test(c.name, () => {
      const decoder = new UrMessageDecoder(animated.urType);
      for (const n of c.before) assert.equal(decoder.receive(animated.frames[n - 1].text).status, 'used');
      const outcome = decoder.receive(c.text);
      assert.equal(outcome.status, 'refused');
      assert.equal(outcome.status === 'refused' && outcome.code, c.code, outcome.status === 'refused' ? outcome.reason : '');
      assert.match(outcome.status === 'refused' ? outcome.reason : '', /^The frame/);
    });
  }
});
