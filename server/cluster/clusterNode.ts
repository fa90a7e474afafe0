import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';

/** The node's lock connection (given a databaseUrl). */
export const NODE_LOCK_CONNECTIONS = 1;

export interface ClusterNodeOptions {
  db: Db;
  /**
   * A direct connection for the node's advisory lock: PostgreSQL releases it
   * the moment the process dies, so survivors see a crash at once instead of
   * after the lease. Without it, only the lease tells.
   */
  databaseUrl?: string;
  leaseMs: number;
  log: Logger;
  /** The node's row is gone (a survivor declared it dead): its runs must stop. */
  onLost(): void;
}

/**
 * This server process as the cluster sees it: a row in cluster_nodes whose
 * lease it renews every third of the lease, and an advisory lock held on its
 * own connection for as long as the process lives.
 */
export class ClusterNode {
  readonly id = randomUUID();
  private lockClient: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: ClusterNodeOptions) {}

  async start(): Promise<void> {
    let lockKey: bigint | null = null;
    if (this.opts.databaseUrl) {
      const client = new pg.Client({ connectionString: this.opts.databaseUrl, application_name: `agentwire-node-${this.id.slice(0, 8)}` });
      client.on('error', (err) => this.opts.log.error({ err }, 'node lock connection failed'));
      await client.connect();
      // Positive 62-bit key: high and low halves become pg_locks.classid and objid.
      lockKey = BigInt.asUintN(62, randomBytes(8).readBigUInt64BE());
      await client.query('SELECT pg_advisory_lock($1::bigint)', [lockKey.toString()]);
      this.lockClient = client;
    }
    await this.opts.db.$executeRaw`
      INSERT INTO cluster_nodes (id, lock_key, lease_expires_at)
      VALUES (${this.id}::uuid, ${lockKey === null ? null : lockKey.toString()}::bigint, now() + ${this.opts.leaseMs} * interval '1 millisecond')`;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.opts.leaseMs / 3)));
    this.heartbeat.unref();
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      const n = await this.opts.db.$executeRaw`
        UPDATE cluster_nodes SET lease_expires_at = now() + ${this.opts.leaseMs} * interval '1 millisecond' WHERE id = ${this.id}::uuid`;
      if (n === 0 && !this.stopped) {
        this.opts.log.error({ nodeId: this.id }, 'this node was declared dead by another; stopping its runs');
        this.stopped = true;
        clearInterval(this.heartbeat);
        this.opts.onLost();
      }
    } catch (err) {
      this.opts.log.warn({ err }, 'could not renew the node lease');
    }
  }

  /** Leaves the cluster: the row goes (its leases must have been released first). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    await this.opts.db.$executeRaw`DELETE FROM cluster_nodes WHERE id = ${this.id}::uuid`.catch((err) =>
      this.opts.log.warn({ err }, 'could not remove the node row'),
    );
    await this.lockClient?.end().catch(() => undefined);
  }
}

/**
 * Nodes that are gone: lease run out, or their advisory lock no longer held
 * (the process died and PostgreSQL closed its connection).
 */
export async function deadNodes(db: Db, selfId: string): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT n.id::text AS id FROM cluster_nodes n
    WHERE n.id <> ${selfId}::uuid
      AND (n.lease_expires_at < now()
        OR (n.lock_key IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.granted
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.objsubid = 1
            AND ((l.classid::bigint << 32) | l.objid::bigint) = n.lock_key)))`;
  return rows.map((r) => r.id);
}
