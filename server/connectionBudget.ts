/**
 * How many PostgreSQL connections a server process may hold at once, and a
 * start-up check that the database can give every process that many. Past
 * `max_connections` PostgreSQL refuses new connections ("too many clients
 * already"), and that shows under load, as runs failing mid-answer, not at
 * start — so it is said at start.
 */
import type { Config } from './config.ts';
import { NODE_LOCK_CONNECTIONS } from './cluster/clusterNode.ts';
import { sqlOf, type Db } from './data/prisma.ts';
import { JOB_QUEUE_CONNECTIONS } from './jobs/jobQueue.ts';
import { KEY_CLAIMS_CONNECTIONS } from './jobs/keyClaims.ts';
import type { Logger } from './logger.ts';
import { RUN_LOG_CONNECTIONS } from './realtime/gateway.ts';

/** The main pool, the run log's and the node lock's connections, and the background jobs' when they run here. */
export function connectionsPerProcess(config: Pick<Config, 'databasePoolMax' | 'jobs'>): number {
  const jobs = config.jobs ? JOB_QUEUE_CONNECTIONS + KEY_CLAIMS_CONNECTIONS : 0;
  return config.databasePoolMax + RUN_LOG_CONNECTIONS + NODE_LOCK_CONNECTIONS + jobs;
}

export interface ConnectionBudget {
  /** What the server processes may open: processes × per process. */
  needed: number;
  /** max_connections less the connections reserved for superusers. */
  allowed: number;
  /** Client connections open on the server now (this check's and other clients' included). */
  inUse: number;
}

/**
 * Compares what `processes` server processes may open with what the server
 * allows, and warns when it allows fewer. Never fails the start: a server the
 * check cannot read (a pooler, restricted settings) is logged at debug.
 */
export async function checkConnectionBudget(db: Db, opts: { processes: number; perProcess: number; log: Logger }): Promise<ConnectionBudget | null> {
  const { log } = opts;
  let row: { max: number; reserved: number; in_use: number } | undefined;
  try {
    [row] = await sqlOf(db).rows<{ max: number; reserved: number; in_use: number }>(
      `SELECT current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int AS reserved,
              (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS in_use`,
      [],
    );
  } catch (err) {
    log.debug({ err }, 'could not read the database server connection limit');
    return null;
  }
  if (!row) return null;
  const budget: ConnectionBudget = { needed: opts.processes * opts.perProcess, allowed: row.max - row.reserved, inUse: row.in_use };
  if (budget.needed > budget.allowed) {
    log.warn(
      { ...budget, processes: opts.processes, perProcess: opts.perProcess },
      `the database allows ${budget.allowed} connections and these ${opts.processes} server process(es) may open ${budget.needed} (${opts.perProcess} each): ` +
        'under load, statements past the limit fail; lower DATABASE_POOL_MAX or WORKERS, or raise max_connections',
    );
  }
  return budget;
}
