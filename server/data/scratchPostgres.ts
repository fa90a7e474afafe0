import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embeddedPostgres.ts';

export interface ScratchPostgres {
  /** Connection URL of the server (its `postgres` database). */
  serverUrl: string;
  /** "embedded PostgreSQL" or the server's host. */
  where: string;
  /** Stops and removes an embedded server; a given server is left running. */
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server for throwaway databases (test runs, benchmarks):
 * `databaseUrl`'s server when given, else an embedded one in a temporary
 * directory that stop() deletes. Callers create and drop their own databases.
 */
export async function startScratchPostgres(log: Logger, databaseUrl?: string): Promise<ScratchPostgres> {
  if (databaseUrl) {
    return { serverUrl: databaseUrl, where: `PostgreSQL at ${new URL(databaseUrl).host}`, stop: async () => undefined };
  }
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'agentwire-scratch-pg-'));
  // Readable by the `postgres` user the embedded server runs as under root.
  await fs.chmod(tmp, 0o755);
  let embedded: EmbeddedDatabase;
  try {
    embedded = await startEmbeddedPostgres({
      clusterDir: path.join(tmp, 'cluster'),
      passwordFile: path.join(tmp, 'password'),
      log,
      persistent: false,
    });
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return {
    serverUrl: embedded.url,
    where: 'embedded PostgreSQL',
    async stop() {
      await embedded.stop();
      await fs.rm(tmp, { recursive: true, force: true });
    },
  };
}
