/**
 * The real server with WORKERS=n for bench/streaming.bench.ts, started by
 * `startServerProcess(env, { script })`: this process is the primary of
 * server/cluster/primary.ts (one port, @socket.io/sticky, the cluster
 * adapter), and each worker it forks runs this file again as a worker, as
 * `npm start` with WORKERS does. Same IPC as streamingHost.ts: {ready, url};
 * {measure: 'start' | 'stop'} → {cpuMs} summed over the primary and every
 * worker (from /proc: the workers are other processes); {close}.
 */
import cluster from 'node:cluster';
import fs from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { cpuMsOf } from './processCpu.ts';

/**
 * BENCH_PROFILE_DIR: a CPU profile of this process's measured phase (as
 * streamingHost.ts does), for the primary and each worker alike.
 */
function profiler(role: string) {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return undefined;
  const inspector = new Session();
  let n = 0;
  return {
    async start() {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
    },
    async stop() {
      const { profile } = await inspector.post('Profiler.stop');
      inspector.disconnect();
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, `cluster-${role}-${process.pid}-${++n}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

async function worker() {
  const { loadConfig } = await import('../../server/config.ts');
  const { createServer } = await import('../../server/createServer.ts');
  const { createPrisma } = await import('../../server/data/prisma.ts');
  const { createLogger } = await import('../../server/logger.ts');
  const { mailAssistant } = await import('../../agents/mail/agent.ts');
  const { setupWorker } = await import('@socket.io/sticky');
  const { workerReady } = await import('../../server/cluster/primary.ts');
  const config = loadConfig(process.env);
  const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
  const db = createPrisma(process.env.DATABASE_URL!, { poolMax: Number(process.env.BENCH_DB_POOL ?? 20) });
  const server = await createServer(config, { db, log, jwtSecret: config.jwtSecret!, agent: mailAssistant, databaseUrl: process.env.DATABASE_URL });
  process.on('SIGTERM', () => {
    void server
      .close({ graceMs: 0 })
      .then(() => db.$disconnect())
      .finally(() => process.exit(0));
  });
  // Connections arrive from the primary (sticky sessions), not from a port of our own.
  setupWorker(server.gateway.io);
  const profile = profiler('worker');
  if (profile) {
    process.on('message', (m: { benchProfile?: 'start' | 'stop' }) => {
      if (m.benchProfile === 'start') void profile.start().then(() => process.send!({ benchProfiled: 'start' }));
      if (m.benchProfile === 'stop') void profile.stop().then(() => process.send!({ benchProfiled: 'stop' }));
    });
  }
  workerReady();
}

async function primary() {
  const { loadConfig } = await import('../../server/config.ts');
  const { createLogger } = await import('../../server/logger.ts');
  const { startPrimary, workerCount } = await import('../../server/cluster/primary.ts');
  const config = loadConfig(process.env);
  const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
  const started = await startPrimary({ config, log, databaseUrl: process.env.DATABASE_URL!, workers: workerCount(config) });
  const pids = () => [process.pid, ...Object.values(cluster.workers ?? {}).flatMap((w) => (w?.process.pid ? [w.process.pid] : []))];
  const total = () => pids().reduce((sum, pid) => sum + cpuMsOf(pid), 0);
  let since = total();
  const profile = profiler('primary');
  /** Every worker profiles too (BENCH_PROFILE_DIR), each answering once it has. */
  const profileWorkers = (step: 'start' | 'stop') =>
    Promise.all(
      Object.values(cluster.workers ?? {}).map(
        (w) =>
          new Promise<void>((resolve) => {
            if (!w) return resolve();
            const onMessage = (m: { benchProfiled?: string }) => {
              if (m?.benchProfiled !== step) return;
              w.off('message', onMessage);
              resolve();
            };
            w.on('message', onMessage);
            w.send({ benchProfile: step });
          }),
      ),
    );
  process.on('message', async (m: { measure?: 'start' | 'stop'; close?: boolean }) => {
    if (m.measure === 'start') {
      if (profile) await Promise.all([profile.start(), profileWorkers('start')]);
      since = total();
      process.send!({ measuring: true });
    } else if (m.measure === 'stop') {
      const cpuMs = total() - since;
      if (profile) await Promise.all([profile.stop(), profileWorkers('stop')]);
      process.send!({ cpuMs, eventLoopDelayP99Ms: Number.NaN });
    } else if (m.close) {
      await started.stop();
      process.exit(0);
    }
  });
  // The bench went away (Ctrl-C, a crash): nothing of ours may outlive it.
  process.on('disconnect', () => void started.stop().finally(() => process.exit(0)));
  process.send!({ ready: true, url: started.url });
}

(cluster.isPrimary ? primary() : worker()).catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
