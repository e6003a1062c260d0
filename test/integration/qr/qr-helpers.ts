// Shared by the QR integration tests: zbarimg as the outside oracle, seeded payloads
// and subsets, and ways to damage a frame image.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { Xoshiro256 } from '../../../main/qr/xoshiro';

export function requireTool(name: string): string {
  const found = spawnSync('which', [name], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${name} is not installed; run scripts/install-system-deps.sh`);
  return found.stdout.trim();
}

export function hasTool(name: string): boolean {
  return spawnSync('which', [name], { encoding: 'utf8' }).status === 0;
}

/** zbarimg's reading of each image, in order (one symbol each); null where it found none. */
export function zbarRead(paths: readonly string[]): (string | null)[] {
  return paths.map((path) => {
    const r = spawnSync('zbarimg', ['--raw', '-q', path], { encoding: 'utf8' });
    // Exit status 4: no symbol found.
    if (r.status === 4) return null;
    if (r.status !== 0) throw new Error(`zbarimg failed on ${path}: ${r.stderr}`);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    if (lines.length !== 1) throw new Error(`zbarimg found ${lines.length} symbols in ${path}`);
    return lines[0]!;
  });
}

/** zbarimg over one image holding several codes (a rendered sheet page): every symbol text. */
export function zbarReadAll(path: string): string[] {
  const r = spawnSync('zbarimg', ['--raw', '-q', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`zbarimg found nothing in ${path} (status ${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

export function seededPayload(length: number, seed: string): Uint8Array {
  return new Xoshiro256(seed).nextData(length);
}

export function shuffled<T>(items: readonly T[], rng: Xoshiro256): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextInt(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Paints a square of `side` pixels at (x, y) of a PNG file, in place, black or white. */
export function paintBlock(path: string, x: number, y: number, side: number, value: 0 | 255): void {
  const png = PNG.sync.read(readFileSync(path));
  for (let row = y; row < y + side; row++) {
    for (let col = x; col < x + side; col++) {
      const at = (row * png.width + col) * 4;
      png.data[at] = value;
      png.data[at + 1] = value;
      png.data[at + 2] = value;
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

export function pngSize(path: string): number {
  return PNG.sync.read(readFileSync(path)).width;
}
