import { setTimeout as sleep } from 'node:timers/promises';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { HealthResponse } from '../../../shared/api.ts';
import type { Db } from '../../data/prisma.ts';
import type { Logger } from '../../logger.ts';

export interface ObservabilityDeps {
  db: Db;
  log: Logger;
  registry: Registry;
  /** Live counters of the realtime layer. */
  realtime(): Omit<HealthResponse, 'status'> & { accepting: boolean };
}

const DB_PING_TIMEOUT_MS = 1_000;

/**
 * GET /health (load balancers: 200 when serving, 503 while degraded or
 * shutting down) and GET /metrics (Prometheus text format).
 */
export function observabilityRoutes(deps: ObservabilityDeps): Router {
  const router = Router();

  async function databaseReachable(): Promise<boolean> {
    const ping = deps.db.$queryRaw`SELECT 1`.then(
      () => true,
      (err: unknown) => {
        deps.log.warn({ err }, 'health: database unreachable');
        return false;
      },
    );
    return Promise.race([ping, sleep(DB_PING_TIMEOUT_MS, false, { ref: false })]);
  }

  router.get('/health', async (_req, res) => {
    const { accepting, ...counts } = deps.realtime();
    const status: HealthResponse['status'] = !accepting ? 'shutting_down' : (await databaseReachable()) ? 'ok' : 'degraded';
    res.setHeader('Cache-Control', 'no-store');
    res.status(status === 'ok' ? 200 : 503).json({ status, ...counts } satisfies HealthResponse);
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });

  return router;
}
