/** Timing helpers for benchmarks: repeated measurement, percentiles, a plain-text table. */

export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

/** The q-quantile (0..1) of sorted samples, by nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarize(samplesMs: readonly number[]): Timing {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    medianMs: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    meanMs: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Milliseconds one call of `fn` takes. */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs every case `warmup` times, then `iterations` rounds in which each case
 * runs once, in turn, so that drift (other load, caches warming) hits all
 * cases alike. Returns the samples of each case.
 */
export async function measureRoundRobin<K extends string>(
  cases: Record<K, () => Promise<unknown>>,
  opts: { warmup: number; iterations: number },
): Promise<Record<K, number[]>> {
  const keys = Object.keys(cases) as K[];
  for (let i = 0; i < opts.warmup; i++) for (const k of keys) await cases[k]();
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < opts.iterations; i++) for (const k of keys) samples[k].push(await timeOnce(cases[k]));
  return samples;
}

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

const pad = (s: string, width: number, left: boolean) => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return left ? s + fill : fill + s;
};

/** A left-aligned first column and right-aligned others. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i]!, i === 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const ms = (x: number) => x.toFixed(2);
