// Walker/Vose alias sampling with the reference implementation's exact index order and
// floating-point steps: the fountain code's degree choice depends on it, and a sampler
// that differed in one rounding would pick different fragments than every other decoder.
export class RandomSampler {
  private readonly probs: number[];
  private readonly aliases: number[];

  constructor(weights: readonly number[]) {
    const n = weights.length;
    let sum = 0;
    for (const w of weights) {
      if (!(w >= 0)) throw new Error('sampler weights must not be negative');
      sum += w;
    }
    if (!(sum > 0)) throw new Error('sampler weights must not all be zero');
    const p = weights.map((w) => (w * n) / sum);
    const small: number[] = [];
    const large: number[] = [];
    // Indexes go in from the highest, as the reference does (at variance with Schwarz).
    for (let i = n - 1; i >= 0; i--) (p[i]! < 1 ? small : large).push(i);
    const probs = new Array<number>(n).fill(0);
    const aliases = new Array<number>(n).fill(0);
    while (small.length > 0 && large.length > 0) {
      const a = small.pop()!;
      const g = large.pop()!;
      probs[a] = p[a]!;
      aliases[a] = g;
      p[g] = p[g]! + (p[a]! - 1);
      (p[g]! < 1 ? small : large).push(g);
    }
    while (large.length > 0) probs[large.pop()!] = 1;
    // Only reachable through rounding.
    while (small.length > 0) probs[small.pop()!] = 1;
    this.probs = probs;
    this.aliases = aliases;
  }

  next(random: () => number): number {
    const r1 = random();
    const r2 = random();
    const n = this.probs.length;
    // r1 is 1.0 only when the generator's output rounds up to 2^64 (a chance of about one
    // in 2^54); the reference would read past its table, here it takes the last slot.
    const i = Math.min(Math.floor(n * r1), n - 1);
    return r2 < this.probs[i]! ? i : this.aliases[i]!;
  }
}
