import { Prisma } from './prisma.ts';

/**
 * A foreign key violation (SQLSTATE 23503): the row referred to is gone (a
 * session deleted while a message to it was on its way). From node-postgres
 * (see sqlOf) or a Prisma query (P2003, or a raw one: P2010 carrying 23503).
 */
export function isForeignKeyViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    return err.code === 'P2003' || (err.code === 'P2010' && (JSON.stringify(err.meta ?? {}) + err.message).includes('23503'));
  }
  return (err as { code?: unknown } | null)?.code === '23503';
}
