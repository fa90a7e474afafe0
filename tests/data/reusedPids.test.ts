import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../server/data/embeddedPostgres.ts';
import { isAlive, startTimeOf } from '../../server/data/processAlive.ts';
import { createLogger } from '../../server/logger.ts';
import { acquireServerLock, ServerLockError } from '../../server/serverLock.ts';

/**
 * A process that died leaves its pid in files beside the data (the server
 * lock, the embedded PostgreSQL's owner and clients). Pids are reused, so
 * such a pid may by now belong to an unrelated live process: a node process
 * started here stands in for one.
 */
const log = createLogger('silent');
let tmp: string;
let stranger: ChildProcess;
/** Postmasters started here: none may outlive the file, whatever a test left. */
const postmasters: number[] = [];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-pids-'));
  // Readable by the `postgres` user the embedded server runs as under root.
  await fs.chmod(tmp, 0o755);
  stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(stranger, 'spawn');
});

afterAll(async () => {
  stranger.kill();
  for (const pid of postmasters.filter(isAlive)) {
    process.kill(pid, 'SIGINT');
    await expect.poll(() => isAlive(pid), { timeout: 15_000 }).toBe(false);
  }
  await fs.rm(tmp, { recursive: true, force: true });
});

/** An embedded PostgreSQL in its own DATA_DIR under `tmp`, kept on stop, and its postmaster's pid. */
async function startCluster(name: string) {
  const dataDir = path.join(tmp, name);
  const clusterDir = path.join(dataDir, 'postgres');
  const db = await startEmbeddedPostgres({ clusterDir, passwordFile: path.join(dataDir, 'password'), log, persistent: true });
  const postmaster = Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  postmasters.push(postmaster);
  return { dataDir, db, postmaster };
}

/** The start time the stranger's pid had when a process that is gone now wrote it down: any other than its own. */
function earlierStartTime(pid: number): string {
  return String(Number(startTimeOf(pid)) - 1000);
}

describe('a pid left behind by a process that died, now another process', () => {
  it('does not keep the embedded PostgreSQL running after its owner stops', async () => {
    const { dataDir, db, postmaster } = await startCluster('cluster');
    const strangerPid = stranger.pid!;
    // `npm run chat` was killed while using this DATA_DIR; its pid went to the stranger.
    const stale = path.join(dataDir, 'postgres-clients', String(strangerPid));
    await fs.writeFile(stale, `${strangerPid}@${earlierStartTime(strangerPid)}`);
    await db.stop();
    expect(isAlive(postmaster)).toBe(false);
    await expect(fs.access(stale)).rejects.toThrow();
  });

  it('while its process still runs, a client entry keeps the database up for it', async () => {
    const { dataDir, db, postmaster } = await startCluster('shared');
    const strangerPid = stranger.pid!;
    await fs.writeFile(path.join(dataDir, 'postgres-clients', String(strangerPid)), `${strangerPid}@${startTimeOf(strangerPid)}`);
    await db.stop();
    expect(isAlive(postmaster)).toBe(true);
    // The last one out stops it: here, by hand.
    process.kill(postmaster, 'SIGINT');
    await expect.poll(() => isAlive(postmaster), { timeout: 15_000 }).toBe(false);
  });

  it('does not refuse a server start: the lock of a server that died is taken over', async () => {
    const dataDir = path.join(tmp, 'lock');
    await fs.mkdir(dataDir);
    const strangerPid = stranger.pid!;
    const lockFile = path.join(dataDir, 'server.lock');
    await fs.writeFile(lockFile, JSON.stringify({ pid: strangerPid, startTime: earlierStartTime(strangerPid), startedAt: new Date(0).toISOString() }));
    const lock = await acquireServerLock(dataDir);
    expect(JSON.parse(await fs.readFile(lockFile, 'utf8')).pid).toBe(process.pid);
    await lock.release();

    // The same pid with its own start time is a live server: refused.
    await fs.writeFile(lockFile, JSON.stringify({ pid: strangerPid, startTime: startTimeOf(strangerPid), startedAt: new Date().toISOString() }));
    await expect(acquireServerLock(dataDir)).rejects.toThrow(ServerLockError);
  });
});
