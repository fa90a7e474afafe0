/**
 * Keys one process holds for as long as it lives, across every process on
 * the database: session advisory locks on one connection of this process, so
 * PostgreSQL frees them when the process dies (or that connection drops) and
 * another can claim them. For long-lived duties that must not run twice,
 * such as holding a connection open; `JobQueue.exclusive` is for bounded work.
 */
import pg from 'pg';
import type { Logger } from '../logger.ts';

export interface KeyClaims {
  /** True when this process holds the key (now or already), false while another one does. */
  tryClaim(key: string): Promise<boolean>;
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Key claims hold one connection (the locks live and die with it). */
export const KEY_CLAIMS_CONNECTIONS = 1;

export function createKeyClaims(opts: { databaseUrl: string; log: Logger }): KeyClaims {
  const held = new Set<string>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  // One statement at a time on the connection (node-postgres no longer queues them for us).
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(f: () => Promise<T>): Promise<T> => {
    const run = turn.then(f, f);
    turn = run.catch(() => undefined);
    return run;
  };

  const connection = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: opts.databaseUrl, application_name: 'agentwire-claims' });
      c.on('error', (err) => opts.log.warn({ err }, 'claims connection lost'));
      // Its locks went with it: claim again from scratch.
      c.on('end', () => {
        if (client !== c) return;
        client = undefined;
        held.clear();
      });
      await c.connect();
      client = c;
      return c;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    tryClaim: (key) =>
      inTurn(async () => {
        if (closed) return false;
        if (held.has(key)) return true;
        const c = await connection();
        const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
        const ok = r.rows[0]?.ok === true;
        if (ok) held.add(key);
        return ok;
      }),
    release: (key) =>
      inTurn(async () => {
        if (!held.delete(key) || !client) return;
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
      }),
    async close() {
      closed = true;
      held.clear();
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
