import fs from 'node:fs/promises';
import path from 'node:path';
import { isMarkAlive, ownMark } from './data/processAlive.ts';

/** A second server on the same DATA_DIR: refused before it touches the database. */
export class ServerLockError extends Error {}

interface LockContents {
  pid: number;
  /** From /proc: a later process with the same pid is not this one (see ProcessMark). */
  startTime?: string;
  url?: string;
  startedAt: string;
}

async function readLock(file: string): Promise<LockContents | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as LockContents;
    return Number.isInteger(parsed.pid) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function isNodeProcess(pid: number): Promise<boolean> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  // Without /proc (macOS), trust the pid.
  return cmdline === undefined ? true : /node|tsx/.test(cmdline);
}

/**
 * One server per DATA_DIR. A start that finds a live one refuses, naming its
 * pid and address, before opening the database, so it can never mark the
 * live server's runs interrupted. `npm run chat`/`seed`/`import` take no lock.
 */
export async function acquireServerLock(dataDir: string) {
  const file = path.join(dataDir, 'server.lock');
  await fs.mkdir(dataDir, { recursive: true });
  const contents: LockContents = { ...ownMark(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(contents), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      const held = await readLock(file);
      if (held && held.pid !== process.pid && isMarkAlive(held) && (await isNodeProcess(held.pid))) {
        const where = held.url ? `listening at ${held.url} (port ${new URL(held.url).port})` : 'still starting';
        throw new ServerLockError(
          `Another Agentwire server is already running on DATA_DIR ${dataDir}: pid ${held.pid}, ${where}.\n` +
            `Stop it first (kill -INT ${held.pid}), or start this one with its own DATA_DIR (and PORT). ` +
            `Its runs were left untouched.`,
        );
      }
      // Left by a server that died: take it over.
      await fs.rm(file, { force: true });
    }
  }
  return {
    async listening(url: string) {
      contents.url = url;
      await fs.writeFile(file, JSON.stringify(contents));
    },
    async release() {
      const held = await readLock(file);
      if (held?.pid === process.pid) await fs.rm(file, { force: true });
    },
  };
}
