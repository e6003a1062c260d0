// The AnimatedQr component without a browser: its frame-advancing rules (a pure
// reducer), its markup for one and for many frames, and that the SVG it draws is a
// QR code that reads back to the frame text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import jsQR from 'jsqr';
import { renderToStaticMarkup } from 'react-dom/server';
import { qrFramesFor } from '../../../main/qr/frames';
import { Xoshiro256 } from '../../../main/qr/xoshiro';
import { loadRendererModule } from '../renderer/load-renderer';

const { AnimatedQr, animationReducer, frameDelayMs, initialAnimation, qrPath, FRAME_RATES } =
  loadRendererModule<typeof import('../../../renderer/design/AnimatedQr')>('renderer/design/AnimatedQr.tsx');

describe('frame advancing', () => {
  test('ticks advance while playing and wrap around; a paused loop stays put', () => {
    let s = initialAnimation(3);
    assert.deepEqual(s, { index: 0, playing: true, fps: 4 });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      s = animationReducer(3, s, { type: 'tick' });
      seen.push(s.index);
    }
    assert.deepEqual(seen, [1, 2, 0, 1, 2]);
    s = animationReducer(3, s, { type: 'toggle' });
    assert.equal(s.playing, false);
    assert.equal(animationReducer(3, s, { type: 'tick' }).index, 2);
    assert.equal(animationReducer(3, s, { type: 'toggle' }).playing, true);
  });

  test('a step pauses and wraps in both directions', () => {
    const s = initialAnimation(4);
    const back = animationReducer(4, s, { type: 'step', by: -1 });
    assert.deepEqual([back.index, back.playing], [3, false]);
    const forward = animationReducer(4, back, { type: 'step', by: 1 });
    assert.deepEqual([forward.index, forward.playing], [0, false]);
  });

  test('speed stays within the offered rates and sets the delay', () => {
    const s = initialAnimation(5);
    assert.equal(animationReducer(5, s, { type: 'speed', fps: 8 }).fps, 8);
    assert.equal(animationReducer(5, s, { type: 'speed', fps: 0 }).fps, FRAME_RATES[0]);
    assert.equal(animationReducer(5, s, { type: 'speed', fps: 1000 }).fps, FRAME_RATES[FRAME_RATES.length - 1]);
    assert.equal(animationReducer(5, s, { type: 'speed', fps: Number.NaN }).fps, 4);
    assert.equal(frameDelayMs(4), 250);
    assert.equal(frameDelayMs(10), 100);
    assert.equal(frameDelayMs(0.01), 1000);
  });

  test('a single frame never plays; reset goes back to the first frame at the same speed', () => {
    const one = initialAnimation(1);
    assert.equal(one.playing, false);
    assert.deepEqual(animationReducer(1, one, { type: 'tick' }), one);
    assert.equal(animationReducer(1, one, { type: 'toggle' }).playing, false);
    const moved = animationReducer(6, animationReducer(6, initialAnimation(6, 2), { type: 'step', by: 1 }), { type: 'step', by: 1 });
    assert.deepEqual(animationReducer(6, moved, { type: 'reset' }), { index: 0, playing: true, fps: 2 });
  });
});

describe('markup', () => {
  const animated = qrFramesFor(new Xoshiro256('animated-qr').nextData(1500));
  const single = qrFramesFor(new TextEncoder().encode('small bundle'));

  test('many frames: the code, the counter, pause, steps and a labelled speed control', () => {
    const html = renderToStaticMarkup(<AnimatedQr frames={animated.texts} label="Bundle for ops-team-a" />);
    assert.match(html, /<svg[^>]*role="img"[^>]*aria-label="Bundle for ops-team-a: QR code, frame 1 of \d+"/);
    assert.match(html, new RegExp(`<span id="[^"]+" class="animated-qr__counter">frame 1 of ${animated.texts.length}</span>`));
    assert.match(html, />Pause</);
    assert.match(html, /aria-label="Previous frame"/);
    assert.match(html, /aria-label="Next frame"/);
    const speedFor = /<label[^>]*for="([^"]+)"[^>]*>Speed \(frames per second\)<\/label>/.exec(html)?.[1];
    assert.ok(speedFor, 'the speed control has a label');
    assert.match(html, new RegExp(`<select id="${speedFor}"`));
    for (const fps of FRAME_RATES) assert.match(html, new RegExp(`<option value="${fps}"`));
    assert.match(html, /role="group" aria-label="Bundle for ops-team-a: animation controls"/);
  });

  test('one frame: just the static code, no animation controls', () => {
    const html = renderToStaticMarkup(<AnimatedQr frames={single.texts} label="Bundle" />);
    assert.match(html, /aria-label="Bundle: one QR code holding the whole bundle"/);
    assert.match(html, /One QR code holds the whole bundle\./);
    assert.doesNotMatch(html, /<button|<select|frame 1 of/);
  });

  test('the SVG path is a QR code that reads back to the frame text', () => {
    for (const text of [single.texts[0]!, animated.texts[0]!, animated.texts[animated.texts.length - 1]!]) {
      const { size, d } = qrPath(text);
      const scale = 4;
      const side = (size + 8) * scale;
      const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
      // Each run is "M{x} {y}h{w}v1h{-w}z" in module units, quiet zone included.
      for (const [, xs, ys, ws] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
        const x0 = Number(xs) * scale;
        const y0 = Number(ys) * scale;
        for (let y = y0; y < y0 + scale; y++) for (let x = x0; x < x0 + Number(ws) * scale; x++) rgba.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
      }
      assert.equal(jsQR(rgba, side, side)?.data, text);
    }
  });
});
