// Timing helpers shared by the benchmarks: run an operation N times, report the median
// and the range, and print rows as one aligned table.
import { performance } from 'node:perf_hooks';

export interface Row {
  name: string;
  runs: number;
  median: number;
  min: number;
  max: number;
}

export async function measure(name: string, runs: number, fn: (i: number) => Promise<unknown>): Promise<Row> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, runs, median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times[times.length - 1]! };
}

export function printRows(rows: Row[]): void {
  const fmt = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(2));
  console.log(['operation'.padEnd(54), 'runs'.padStart(5), 'median'.padStart(9), 'min'.padStart(9), 'max'.padStart(9)].join(' '));
  for (const r of rows) {
    console.log([r.name.padEnd(54), String(r.runs).padStart(5), fmt(r.median).padStart(9), fmt(r.min).padStart(9), fmt(r.max).padStart(9)].join(' '));
  }
}
