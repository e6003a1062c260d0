// The frame-count rule (main/qr/plan.ts, docs/qr-transport.md "How many frames"): at
// least twice the fragments, more until a random 20% loss is very unlikely to hurt, and
// never past the cap; checked against the GF(2) solver on random losses, including a
// message whose mixed frames seldom draw one fragment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseFragments, FountainSolver } from '../../../main/qr/fountain';
import { framesToEmit, keptFrames, maxFrames } from '../../../main/qr/plan';
import { Xoshiro256 } from '../../../main/qr/xoshiro';

function survivesLosses(seqLen: number, checksum: number, total: number, trials: number, seed: string): number {
  const rows = Array.from({ length: total }, (_, i) => chooseFragments(i + 1, seqLen, checksum));
  const rng = new Xoshiro256(seed);
  const keep = keptFrames(total);
  let failures = 0;
  for (let t = 0; t < trials; t++) {
    const order = Array.from({ length: total }, (_, i) => i);
    for (let i = total - 1; i > 0; i--) {
      const j = rng.nextInt(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const solver = new FountainSolver(seqLen, 1);
    for (const i of order.slice(0, keep)) solver.add(rows[i]!, new Uint8Array(1));
    if (!solver.complete) failures++;
  }
  return failures;
}

describe('frames to emit', () => {
  test('80% of the frames is ceil(0.8 N), counted in integers', () => {
    assert.deepEqual([1, 4, 5, 9, 10, 26, 89].map(keptFrames), [1, 4, 4, 8, 8, 21, 72]);
  });

  test('between twice the fragments and the cap, for many message checksums', () => {
    for (const seqLen of [1, 2, 3, 7, 24, 40]) {
      for (let c = 0; c < 20; c++) {
        const n = framesToEmit(seqLen, (c * 2654435761) >>> 0);
        assert.ok(n >= 2 * seqLen && n <= maxFrames(seqLen), `${seqLen} fragments: ${n} frames`);
      }
    }
    assert.equal(maxFrames(3), 64);
    assert.equal(maxFrames(40), 640);
  });

  test('a message whose mixed frames seldom draw one fragment gets more frames, and they survive random 20% losses', () => {
    // Checksum 420352005 with 4 fragments: found among 20000 as the one needing the most frames.
    const n = framesToEmit(4, 420352005);
    assert.equal(n, 41);
    assert.equal(survivesLosses(4, 420352005, n, 2000, 'heavy-tail'), 0);
    // Stopping at the usual 2 per fragment would have failed often.
    assert.ok(survivesLosses(4, 420352005, 8, 500, 'short') > 25);
  });

  test('typical bundle sizes survive 500 random 20% losses each', () => {
    for (const seqLen of [6, 12, 18, 24]) {
      for (const checksum of [0x0167aa07, 0xc0a69675, 0x12345678]) {
        assert.equal(survivesLosses(seqLen, checksum, framesToEmit(seqLen, checksum), 500, `typical-${seqLen}-${checksum}`), 0);
      }
    }
  });
});
