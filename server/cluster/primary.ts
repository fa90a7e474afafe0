/**
 * WORKERS=auto|n: that many server processes on one port (node:cluster).
 * The primary owns the port, the embedded database and the DATA_DIR lock;
 * it hands each connection to a worker (@socket.io/sticky: a long-polling
 * client's requests always reach the worker that holds its session) and
 * relays Socket.IO messages between the workers (@socket.io/cluster-adapter,
 * unless REDIS_URL gives them the Redis adapter). A worker that dies is
 * replaced; its runs are recovered by the others (server/cluster/recovery.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { setupPrimary as setupClusterAdapter } from '@socket.io/cluster-adapter';
import { setupMaster as setupSticky } from '@socket.io/sticky';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { aggregateWorkerMetrics } from './clusterMetrics.ts';
import { WORKER_GONE } from './roomRelay.ts';

/** How many server processes WORKERS asks for on this machine. */
export function workerCount(config: Pick<Config, 'workers'>): number {
  return config.workers === 'auto' ? Math.max(1, availableParallelism()) : config.workers;
}

export interface Primary {
  url: string;
  /** SIGTERM to every worker (each drains its runs), resolved once all have exited. */
  stop(): Promise<void>;
}

export async function startPrimary(opts: { config: Config; log: Logger; databaseUrl: string; workers: number }): Promise<Primary> {
  const { config, log } = opts;
  // Sticky hands request bytes (Buffers) to the workers over IPC: they must arrive as Buffers.
  cluster.setupPrimary({ serialization: 'advanced' });
  const httpServer = http.createServer();
  setupSticky(httpServer, { loadBalancingMethod: 'least-connection' });
  setupClusterAdapter();
  aggregateWorkerMetrics();
  let stopping = false;
  const env = { DATABASE_URL: opts.databaseUrl, AGENTWIRE_WORKER: '1' };

  const fork = (): Worker => {
    const worker = cluster.fork(env);
    stopReadingWhenHandedOver(worker);
    worker.on('exit', (code, signal) => {
      // The others stop relaying room broadcasts to it (server/cluster/roomRelay.ts).
      for (const other of Object.values(cluster.workers ?? {})) {
        if (other && other !== worker && other.isConnected()) other.send({ type: WORKER_GONE, workerId: worker.id }, undefined, () => undefined);
      }
      if (stopping) return;
      log.error({ workerId: worker.id, code, signal }, 'a worker died; starting another');
      fork();
    });
    return worker;
  };
  const ready = Array.from({ length: opts.workers }, () => {
    const worker = fork();
    return new Promise<void>((resolve, reject) => {
      // The adapter and sticky exchange messages too: wait for ours.
      const onMessage = (m: unknown) => {
        if (m !== 'agentwire:ready') return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`a worker exited during start (code ${code})`)));
    });
  });
  await Promise.all(ready);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  log.info({ workers: opts.workers, port }, 'serving with several worker processes');

  return {
    url: `http://${host}:${port}`,
    async stop() {
      stopping = true;
      httpServer.close();
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/**
 * @socket.io/sticky reads a connection's first bytes here, then hands the
 * socket to a worker (`worker.send(message, socket)`). Node keeps the
 * primary's copy of the descriptor open, still reading with its data
 * dropped, until the worker acknowledges the handle — and queues the hand-over
 * itself behind any other handle awaiting its acknowledgement. Bytes the
 * client sends meanwhile were lost: a WebSocket's Socket.IO CONNECT frame,
 * sent as soon as the worker's 101 and open packet arrived, left the
 * handshake without an answer (the bench saw about 1 in 200 under load).
 * Stopping the primary's reads at the hand-over leaves every later byte to
 * the worker.
 */
function stopReadingWhenHandedOver(worker: Worker): void {
  const send = worker.send.bind(worker) as (...args: unknown[]) => boolean;
  (worker as { send: (...args: unknown[]) => boolean }).send = (message: unknown, handle?: unknown, ...rest: unknown[]) => {
    if (handle instanceof net.Socket) (handle as net.Socket & { _handle?: { readStop?(): number } | null })._handle?.readStop?.();
    return send(message, handle, ...rest);
  };
}

/** In a worker: tells the primary this worker serves (its connections may come). */
export function workerReady(): void {
  process.send?.('agentwire:ready');
}
