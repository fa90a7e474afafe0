import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketDirFor, startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/data/embeddedPostgres.ts';
import { createLogger } from '../../server/logger.ts';

const log = createLogger('silent');

/** Whether a connection over `url` reached PostgreSQL through a Unix socket (inet_server_addr is null there), and works. */
async function overUnixSocket(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ local: boolean }>('SELECT inet_server_addr() IS NULL AS local');
    return rows[0]!.local;
  } finally {
    await client.end();
  }
}

/** A throwaway cluster (deleted on stop), or with `keep` one that stays for the next start. */
async function startIn(clusterDir: string, keep = false): Promise<EmbeddedDatabase> {
  return startEmbeddedPostgres({ clusterDir, passwordFile: path.join(path.dirname(clusterDir), 'password'), log, persistent: keep });
}

describe('the embedded PostgreSQL', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-socket-'));
    // Readable by the `postgres` user the embedded server runs as under root.
    await fs.chmod(tmp, 0o755);
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('puts its socket in the cluster directory only where the path fits and PostgreSQL can list it', () => {
    expect(socketDirFor('/data/postgres', 5432)).toBe('/data/postgres');
    expect(socketDirFor(`/${'d'.repeat(80)}/postgres`, 54321)).toBeUndefined();
    expect(socketDirFor('/data/a,b/postgres', 5432)).toBeUndefined();
    expect(socketDirFor('/data/my data/postgres', 5432)).toBeUndefined();
  });

  it('is reached over its Unix socket, by the process that started it and by one that joins it; TCP still answers', async () => {
    const started = await startIn(path.join(tmp, 'short', 'postgres'));
    try {
      const url = new URL(started.url);
      expect(url.searchParams.get('host')).toBe(path.join(tmp, 'short', 'postgres'));
      expect(await overUnixSocket(started.url)).toBe(true);
      // A second process on the same DATA_DIR (npm run chat beside npm start) finds the socket in postmaster.pid.
      const joined = await startIn(path.join(tmp, 'short', 'postgres'));
      try {
        expect(joined.owner).toBe(false);
        expect(joined.url).toBe(started.url);
        expect(await overUnixSocket(joined.url)).toBe(true);
      } finally {
        await joined.stop();
      }
      // Tools given host and port (psql -h 127.0.0.1) still get in.
      url.hostname = '127.0.0.1';
      url.search = '';
      expect(await overUnixSocket(url.toString())).toBe(false);
    } finally {
      await started.stop();
    }
  });

  it('starts on TCP alone when PostgreSQL cannot listen on its socket', async () => {
    const clusterDir = path.join(tmp, 'refused', 'postgres');
    const first = await startIn(clusterDir, true);
    const port = new URL(first.url).port;
    // Stopped, kept: the next start tries the same port first (DATA_DIR/postgres-port).
    await first.stop();
    // The socket's lock held by another live PostgreSQL (of the same system user): this one refuses the socket.
    const other = await startIn(path.join(tmp, 'other', 'postgres'));
    try {
      const otherPid = (await fs.readFile(path.join(tmp, 'other', 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]!;
      await fs.writeFile(path.join(clusterDir, `.s.PGSQL.${port}.lock`), `${otherPid}\n`);
      const started = await startIn(clusterDir);
      try {
        expect(new URL(started.url).hostname).toBe('127.0.0.1');
        expect(await overUnixSocket(started.url)).toBe(false);
      } finally {
        await started.stop();
      }
    } finally {
      await other.stop();
    }
  });

  it('listens on TCP alone when its directory is too deep for a socket', async () => {
    const deep = path.join(tmp, 'd'.repeat(60), 'e'.repeat(40), 'postgres');
    const started = await startIn(deep);
    try {
      expect(new URL(started.url).hostname).toBe('127.0.0.1');
      expect(await overUnixSocket(started.url)).toBe(false);
      expect((await fs.readdir(deep)).filter((f) => f.startsWith('.s.PGSQL'))).toEqual([]);
    } finally {
      await started.stop();
    }
  });
});
