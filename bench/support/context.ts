/** What bench/run.ts hands to every benchmark. */
import { pathToFileURL } from 'node:url';
import { createLogger, type Logger } from '../../server/logger.ts';
import { startDemoDatabase, type BenchDatabase } from './demoDatabase.ts';

export interface BenchContext {
  /** Prints a line of the report. */
  print(line?: string): void;
  /** Structured logs of the code under test (LOG_LEVEL, default "warn"). */
  log: Logger;
  /** The seeded demo database, started on first use and shared by every benchmark of the run. */
  demoDatabase(): Promise<BenchDatabase>;
}

/** A benchmark module's default export. */
export type Benchmark = (ctx: BenchContext) => Promise<void>;

export function createBenchContext(): BenchContext & { close(): Promise<void> } {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', { component: 'bench' });
  let database: Promise<BenchDatabase> | undefined;
  let closed: Promise<void> | undefined;
  return {
    print: (line = '') => process.stdout.write(line + '\n'),
    log,
    demoDatabase: () => (database ??= startDemoDatabase(log)),
    // Once, whoever asks first (the end of the run or a signal).
    close: () => (closed ??= database ? database.then((d) => d.close()) : Promise.resolve()),
  };
}

/**
 * Runs a benchmark when its file is executed directly
 * (`npx tsx bench/<name>.bench.ts`) rather than through bench/run.ts.
 */
export function runIfMain(moduleUrl: string, bench: Benchmark): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const ctx = createBenchContext();
  bench(ctx)
    .finally(() => ctx.close())
    .then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`${err?.stack ?? err}\n`);
        process.exit(1);
      },
    );
}
