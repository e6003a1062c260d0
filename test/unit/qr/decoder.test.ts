// The QR encoder and the frame decoder together, on frame texts (PNG files are covered
// in test/integration/qr): static and animated round trips, any order, duplicates, loss
// of a random 20% of the frames, and every kind of bad frame refused with its reason and
// never turned into different bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeArrayHeader, encodeBytes, encodeUnsigned, concat } from '../../../main/qr/cbor';
import { crc32 } from '../../../main/qr/crc32';
import { UrMessageDecoder } from '../../../main/qr/decoder';
import { fountainParts, nominalFragmentLength } from '../../../main/qr/fountain';
import { BUNDLE_UR_TYPE, MAX_FRAGMENT_BYTES, MAX_QR_PAYLOAD_BYTES, MIN_FRAGMENT_BYTES, qrFramesFor, STATIC_MAX_MESSAGE_BYTES } from '../../../main/qr/frames';
import { frameSymbol } from '../../../main/qr/png';
import { keptFrames } from '../../../main/qr/plan';
import { multiPartUr, singlePartUr } from '../../../main/qr/ur';
import { Xoshiro256 } from '../../../main/qr/xoshiro';

const payload = (length: number, seed: string) => new Xoshiro256(seed).nextData(length);

function shuffle<T>(items: readonly T[], rng: Xoshiro256): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextInt(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function decodeAll(texts: readonly string[]): UrMessageDecoder {
  const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
  for (const text of texts) decoder.receive(text);
  return decoder;
}

describe('static and animated', () => {
  test('a payload whose UR message fits one modest code is one static single-part UR', () => {
    const bytes = payload(STATIC_MAX_MESSAGE_BYTES - 3, 'static-max');
    const frames = qrFramesFor(bytes);
    assert.equal(frames.staticFrame, true);
    assert.equal(frames.texts.length, 1);
    assert.match(frames.texts[0]!, /^UR:CONCLAVE-BUNDLE\/[A-Z]+$/);
    assert.ok(frameSymbol(frames.texts[0]!).version <= 20);
    assert.deepEqual(decodeAll(frames.texts).bytes(), bytes);
  });

  test('one byte more makes it animated, with the plain fragments first', () => {
    const bytes = payload(STATIC_MAX_MESSAGE_BYTES - 2, 'static-max');
    const frames = qrFramesFor(bytes);
    assert.equal(frames.staticFrame, false);
    assert.ok(frames.fragments >= 2);
    frames.texts.forEach((text, i) => assert.ok(text.startsWith(`UR:CONCLAVE-BUNDLE/${i + 1}-${frames.fragments}/`), text.slice(0, 30)));
    // The plain fragments alone are enough.
    assert.deepEqual(decodeAll(frames.texts.slice(0, frames.fragments)).bytes(), bytes);
  });

  test('every frame is a QR code of version 12 or lower, up to the largest payload QR carries', () => {
    for (const size of [STATIC_MAX_MESSAGE_BYTES, 1000, 4096, MAX_QR_PAYLOAD_BYTES]) {
      const frames = qrFramesFor(payload(size, `versions-${size}`));
      for (const text of frames.texts) {
        assert.match(text, /^[0-9A-Z $%*+\-./:]+$/, 'only QR alphanumeric characters');
        assert.ok(frameSymbol(text).version <= 12, `${size} bytes: a frame of ${text.length} characters is version ${frameSymbol(text).version}`);
      }
      assert.ok(frames.fragmentLength <= MAX_FRAGMENT_BYTES && frames.fragmentLength >= MIN_FRAGMENT_BYTES);
    }
  });

  test('empty and oversized payloads are refused with a reason', () => {
    assert.throws(() => qrFramesFor(new Uint8Array(0)), { code: 'QR_EMPTY' });
    assert.throws(() => qrFramesFor(new Uint8Array(MAX_QR_PAYLOAD_BYTES + 1)), (e: { code: string; action: string }) => e.code === 'QR_TOO_LARGE' && /removable media/.test(e.action));
  });

  test('the same payload always gives the same frames', () => {
    const bytes = payload(2500, 'same');
    assert.deepEqual(qrFramesFor(bytes).texts, qrFramesFor(bytes).texts);
  });
});

describe('reassembly', () => {
  test('frames in any order, with duplicates, report progress and finish exactly once', () => {
    const bytes = payload(3000, 'order');
    const frames = qrFramesFor(bytes);
    const rng = new Xoshiro256('order-rng');
    const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
    const order = shuffle([...frames.texts, ...frames.texts.slice(0, 10)], rng);
    let lastKnown = 0;
    let completedAt = -1;
    order.forEach((text, i) => {
      const outcome = decoder.receive(text);
      const progress = decoder.progress();
      assert.equal(progress.fragmentsTotal, frames.fragments);
      assert.ok(progress.fragmentsKnown >= lastKnown, 'progress never goes back');
      if (outcome.status === 'used') assert.ok(progress.fragmentsKnown > lastKnown || progress.complete);
      lastKnown = progress.fragmentsKnown;
      if (progress.complete && completedAt < 0) completedAt = i;
      if (completedAt >= 0 && i > completedAt) assert.equal(outcome.status, 'redundant');
    });
    assert.ok(completedAt >= frames.fragments - 1);
    const progress = decoder.progress();
    assert.equal(progress.used + progress.redundant, order.length);
    assert.equal(progress.refused, 0);
    assert.deepEqual(decoder.bytes(), bytes);
  });

  test('a duplicate frame adds nothing and says so', () => {
    const frames = qrFramesFor(payload(2000, 'dup'));
    const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
    assert.equal(decoder.receive(frames.texts[3]!).status, 'used');
    const again = decoder.receive(frames.texts[3]!);
    assert.equal(again.status, 'redundant');
    assert.match(again.status === 'redundant' ? again.reason : '', /duplicate/);
    assert.equal(decoder.progress().fragmentsKnown, 1);
  });

  test('any 80% of the frames reassemble: 100 random subsets each, for bundle-sized payloads', () => {
    const rng = new Xoshiro256('conclave-qr-loss-test');
    let subsets = 0;
    for (const size of [600, 1024, 1536, 2048, 2560, 3072, 3584, 4096]) {
      for (const seed of ['a', 'b']) {
        const bytes = payload(size, `loss-${size}-${seed}`);
        const frames = qrFramesFor(bytes);
        const keep = keptFrames(frames.texts.length);
        assert.ok(keep >= Math.ceil(frames.texts.length * 0.8));
        for (let t = 0; t < 100; t++) {
          const subset = shuffle(frames.texts, rng).slice(0, keep);
          const decoder = decodeAll(subset);
          assert.equal(decoder.progress().complete, true, `${size} bytes (${frames.fragments} fragments, ${frames.texts.length} frames): subset ${t} of ${keep} frames did not reassemble`);
          assert.deepEqual(decoder.bytes(), bytes);
          subsets++;
        }
      }
    }
    assert.equal(subsets, 1600);
  });

  test('after a single-frame code, parts of the same message are redundant, not foreign', () => {
    const bytes = payload(1000, 'both-ways');
    const message = encodeBytes(bytes);
    const decoder = decodeAll([singlePartUr(BUNDLE_UR_TYPE, message)]);
    assert.deepEqual(decoder.bytes(), bytes);
    const part = multiPartUr(BUNDLE_UR_TYPE, fountainParts(message, 200, 3, 3)[0]!);
    assert.equal(decoder.receive(part).status, 'redundant');
  });

  test('too few frames: progress says how many fragments are still missing', () => {
    const frames = qrFramesFor(payload(3000, 'few'));
    const decoder = decodeAll(frames.texts.slice(0, 5));
    const progress = decoder.progress();
    assert.equal(progress.complete, false);
    assert.equal(progress.fragmentsKnown, 5);
    assert.equal(progress.fragmentsTotal, frames.fragments);
    assert.equal(decoder.bytes(), null);
  });
});

describe('bad frames', () => {
  const bytes = payload(2000, 'bad-frames');
  const frames = qrFramesFor(bytes);
  const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

  test('every single changed character, anywhere in a frame, is refused (never used)', () => {
    const rng = new Xoshiro256('changes');
    let tried = 0;
    for (const index of [0, frames.fragments - 1, frames.fragments, frames.texts.length - 1]) {
      const text = frames.texts[index]!;
      for (let at = 0; at < text.length; at++) {
        // Three replacement characters per position, drawn from the QR alphanumeric set, plus lower case.
        const replacements = new Set([ALNUM[rng.nextInt(0, ALNUM.length - 1)]!, ALNUM[rng.nextInt(0, ALNUM.length - 1)]!, ALNUM[rng.nextInt(0, ALNUM.length - 1)]!, text[at]!.toLowerCase()]);
        for (const to of replacements) {
          if (to === text[at]) continue;
          const changed = text.slice(0, at) + to + text.slice(at + 1);
          const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
          if (index !== 0) decoder.receive(frames.texts[0]!);
          const outcome = decoder.receive(changed);
          assert.equal(outcome.status, 'refused', `frame ${index + 1}, character ${at + 1} "${text[at]}" -> "${to}" was ${outcome.status}`);
          tried++;
        }
      }
    }
    assert.ok(tried > 3000);
  });

  test('a damaged frame among good ones never changes the result', () => {
    const text = frames.texts[2]!;
    const damaged = text.slice(0, 60) + (text[60] === 'A' ? 'E' : 'A') + text.slice(61);
    const decoder = decodeAll([damaged, ...frames.texts]);
    assert.equal(decoder.progress().refused, 1);
    assert.deepEqual(decoder.bytes(), bytes);
  });

  test('frames of another message are refused with both checksums named', () => {
    const other = qrFramesFor(payload(2000, 'another'));
    const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
    decoder.receive(frames.texts[0]!);
    const outcome = decoder.receive(other.texts[1]!);
    assert.equal(outcome.status, 'refused');
    assert.equal(outcome.status === 'refused' && outcome.code, 'OTHER_MESSAGE');
    assert.ok(outcome.status === 'refused' && outcome.reason.includes(other.checksum.toString(16).padStart(8, '0')) && outcome.reason.includes(frames.checksum.toString(16).padStart(8, '0')));
    // A single-frame code of another message is refused too.
    const single = decoder.receive(qrFramesFor(payload(40, 'tiny')).texts[0]!);
    assert.equal(single.status === 'refused' && single.code, 'OTHER_MESSAGE');
  });

  test('a UR of another type is refused, whichever frame comes first', () => {
    const bytesUr = singlePartUr('bytes', encodeBytes(payload(40, 'bytes-type'))).toUpperCase();
    const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
    const outcome = decoder.receive(bytesUr);
    assert.equal(outcome.status === 'refused' && outcome.code, 'WRONG_TYPE');
    assert.match(outcome.status === 'refused' ? outcome.reason : '', /type "bytes", not "conclave-bundle"/);
    assert.equal(decoder.progress().fragmentsTotal, 0, 'a refused frame does not fix the message');
    const part = multiPartUr('crypto-psbt', fountainParts(encodeBytes(bytes), frames.fragmentLength, 1, 1)[0]!);
    assert.equal(decoder.receive(part).status, 'refused');
  });

  test('parts that agree with each other but not with the checksum fail reassembly, with nothing released', () => {
    // Parts of message A labelled with the checksum of message B: each part is well formed,
    // the fountain mixes by B's checksum, and the reassembled bytes do not match it.
    const a = encodeBytes(payload(1000, 'A'));
    const b = encodeBytes(payload(1000, 'B'));
    const fragmentLen = nominalFragmentLength(a.length, MIN_FRAGMENT_BYTES, MAX_FRAGMENT_BYTES);
    const forged = fountainParts(a, fragmentLen, 1, 30).map((p) => multiPartUr(BUNDLE_UR_TYPE, { ...p, checksum: crc32(b) }));
    const decoder = decodeAll(forged);
    assert.match(decoder.failed() ?? '', /does not match its checksum/);
    assert.equal(decoder.bytes(), null);
    assert.equal(decoder.progress().complete, false);
  });

  test('a message that is not one CBOR byte string is reassembled but not released as a payload', () => {
    const notBytes = concat([encodeArrayHeader(2), encodeUnsigned(1), encodeUnsigned(2)]);
    const decoder = decodeAll([singlePartUr(BUNDLE_UR_TYPE, notBytes)]);
    assert.equal(decoder.progress().complete, true);
    assert.throws(() => decoder.bytes(), /expected the message \(major type 2\)/);
    const trailing = decodeAll([singlePartUr(BUNDLE_UR_TYPE, concat([encodeBytes(Uint8Array.of(1, 2)), Uint8Array.of(0)]))]);
    assert.throws(() => trailing.bytes(), /unexpected byte/);
  });

  test('lower-case UR text (the canonical form) is read as well as upper case', () => {
    const decoder = decodeAll(frames.texts.map((t) => t.toLowerCase()));
    assert.deepEqual(decoder.bytes(), bytes);
  });
});
