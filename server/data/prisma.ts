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
export function createPrisma(databaseUrl: string, opts: { poolMax?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.poolMax ?? 20 });
  return new PrismaClient({ adapter });
}
