/**
 * `npm run bench [-- <filter>]` runs the benchmarks: every bench/*.bench.ts
 * whose file name contains the filter (all when none is given), one after
 * another, in this process.
 *
 * A benchmark is a module whose default export is an async function taking a
 * BenchContext (bench/support/context.ts): `print` for its report,
 * `log`, and `demoDatabase()` for a PostgreSQL holding the seeded demo
 * (embedded, or a fresh database on DATABASE_URL's server), shared by the
 * run and removed at its end. Timing helpers are in bench/support/stats.ts.
 * Report numbers as ratios against a baseline measured in the same process,
 * since absolute times depend on the machine.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createBenchContext, type Benchmark } from './support/context.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  const filter = process.argv[2] ?? '';
  const files = (await fs.readdir(BENCH_DIR)).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
  if (files.length === 0) {
    process.stderr.write(`No benchmark matches "${filter}" in ${BENCH_DIR}\n`);
    return 1;
  }
  const ctx = createBenchContext();
  // Ctrl-C must not leave an embedded PostgreSQL running or its directory behind.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping the benchmark database\n`);
      ctx.close().finally(() => process.exit(130));
    });
  }
  let failed = 0;
  try {
    for (const file of files) {
      ctx.print(`\n=== ${file.replace(/\.bench\.ts$/, '')} ===`);
      const started = Date.now();
      try {
        const mod = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as { default: Benchmark };
        await mod.default(ctx);
        ctx.print(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        if (interrupted) break;
        failed++;
        process.stderr.write(`${file} failed: ${(err as Error)?.stack ?? err}\n`);
      }
    }
  } finally {
    await ctx.close();
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
