import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export { Prisma } from './generated/prisma/client.ts';
export type { PrismaClient };
export type Db = PrismaClient;

/**
 * Prisma Client over node-postgres. Connections come from the adapter's pool
 * and go back after each query (or each transaction), so no request or run
 * holds one between its queries.
 */
export function createPrisma(databaseUrl: string, opts: { poolMax?: number; onPoolError?: (err: Error) => void } = {}): PrismaClient {
  // A connection that dies while idle (the database restarted) is dropped from the pool; the next query opens a new one.
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, max: opts.poolMax ?? 20 },
    { onPoolError: opts.onPoolError ?? (() => undefined), onConnectionError: opts.onPoolError ?? (() => undefined) },
  );
  return new PrismaClient({ adapter });
}
