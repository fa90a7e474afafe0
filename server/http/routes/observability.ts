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
  /** Every worker's metrics merged (WORKERS > 1); without it, /metrics is `registry`'s. */
  allWorkers?: () => Promise<string>;
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

  /** With WORKERS, every worker's metrics; `?scope=worker`: only the worker that answers (the one a `sid=` reaches). */
  router.get('/metrics', async (req, res) => {
    const own = req.query.scope === 'worker' || !deps.allWorkers;
    let text: string;
    try {
      text = own ? await deps.registry.metrics() : await deps.allWorkers!();
    } catch (err) {
      deps.log.warn({ err }, 'metrics: could not collect every worker');
      res.status(503).type('text/plain').send('The metrics of every worker could not be collected; try again, or ask one worker with ?scope=worker.\n');
      return;
    }
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(text);
  });

  return router;
}
