// How many fountain-coded frames to emit. Frames 1..parts are the plain fragments; the
// mixed frames after them are added one at a time until losing a random 20% of all the
// frames leaves the message undetermined with probability at most 1e-6. The estimate is
// a union bound over the two ways such a loss almost always hurts (in simulation every
// failed 80% subset was one of them): every frame holding fragment i lost, or every frame
// holding exactly one of fragments i and j lost (then i and j only ever appear XORed
// together).
import { chooseFragments } from './fountain';

/** A receiver may miss one frame in this many (20%). */
export const LOSS_ONE_IN = 5;
/** The chance, at most, that missing that share leaves the message undetermined. */
export const LOSS_FAILURE_TARGET = 1e-6;
/** Never fewer frames than this many times the fragment count. */
export const MIN_FRAMES_PER_FRAGMENT = 2;
/**
 * The most frames ever emitted: max(16 x fragments, 64). A few small messages in a
 * thousand need 8 to 11 times their fragment count (one fragment seldom drawn into the
 * mixed frames); at the cap the frames are emitted as they are, still tolerating nearly
 * any 20% loss, rather than refusing the export.
 */
export function maxFrames(seqLen: number): number {
  return Math.max(16 * seqLen, 64);
}

/** Frames a receiver holds when it missed 20% of `total`: ceil(0.8 * total), in integers. */
export function keptFrames(total: number): number {
  return total - Math.floor(total / LOSS_ONE_IN);
}

/** The chance that `count` given frames are all among the `lost` missed out of `total`. */
function allLost(count: number, total: number, lost: number): number {
  if (count > lost) return 0;
  let p = 1;
  for (let t = 0; t < count; t++) p *= (lost - t) / (total - t);
  return p;
}

/** The union-bound failure estimate for frames 1..total of a message with these numbers. */
export function lossFailureBound(single: readonly number[], pairs: readonly number[][], total: number): number {
  const lost = total - keptFrames(total);
  let p = 0;
  for (const c of single) p += allLost(c, total, lost);
  for (const row of pairs) for (const c of row) p += allLost(c, total, lost);
  return p;
}

/** The number of frames to emit for `seqLen` fragments of a message with CRC-32 `checksum`. */
export function framesToEmit(seqLen: number, checksum: number): number {
  // single[i]: frames holding fragment i; pairs[i][j - i - 1]: frames holding exactly one of i < j.
  const single = new Array<number>(seqLen).fill(0);
  const pairs = Array.from({ length: seqLen }, (_, i) => new Array<number>(seqLen - i - 1).fill(0));
  const holds = new Uint8Array(seqLen);
  let total = 0;
  const addFrame = (): void => {
    total++;
    const indexes = chooseFragments(total, seqLen, checksum);
    holds.fill(0);
    for (const i of indexes) {
      holds[i] = 1;
      single[i]!++;
    }
    for (let i = 0; i < seqLen; i++) {
      const row = pairs[i]!;
      const hi = holds[i]!;
      for (let j = i + 1; j < seqLen; j++) if (hi !== holds[j]) row[j - i - 1]!++;
    }
  };
  const minimum = Math.ceil(seqLen * MIN_FRAMES_PER_FRAGMENT);
  while (total < minimum) addFrame();
  while (total < maxFrames(seqLen) && lossFailureBound(single, pairs, total) > LOSS_FAILURE_TARGET) addFrame();
  return total;
}
