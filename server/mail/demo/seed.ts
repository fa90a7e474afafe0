/**
 * The demo account: a user, a generated mailbox and the report of every day.
 * The mailbox is anchored at the moment the demo user was created, so seeding
 * again (after a crash halfway, or from a second process starting at the same
 * time) regenerates exactly the same mail, inserts nothing twice and leaves
 * unchanged reports untouched.
 */
import { hashPassword, verifyPassword } from '../../auth/passwords.ts';
import { Prisma, type Db } from '../../data/prisma.ts';
import type { Logger } from '../../logger.ts';
import { insertEmails, type NewEmail } from '../emailStore.ts';
import { buildDailyReports } from '../reports.ts';
import { DEMO_DAYS, demoDays, generateDemoMailbox } from './generate.ts';

/** The seed of the demo everyone gets; tests pin their own. */
export const DEFAULT_DEMO_SEED = 20261122;
export const DEFAULT_DEMO_NAME = 'Alex Chen';

export interface DemoSeedOptions {
  email: string;
  password: string;
  name?: string;
  /** Used when the user is created; an existing user keeps theirs. */
  timeZone: string;
  /** Creation time of a new demo user, and so the end of its mailbox. */
  now: Date;
  seed?: number;
  log?: Logger;
}

export interface DemoSeedResult {
  userId: string;
  userCreated: boolean;
  emailsInserted: number;
  reportsBuilt: number;
  /** The instant the mailbox ends. */
  anchor: Date;
  timeZone: string;
}

async function findOrCreateUser(db: Db, o: DemoSeedOptions) {
  const existing = await db.user.findUnique({ where: { email: o.email } });
  if (existing) {
    // The printed credentials must work, also after DEMO_PASSWORD changed.
    if (!(await verifyPassword(existing.passwordHash, o.password))) {
      await db.user.update({ where: { id: existing.id }, data: { passwordHash: await hashPassword(o.password) } });
    }
    return { user: existing, created: false };
  }
  const passwordHash = await hashPassword(o.password);
  try {
    const user = await db.user.create({
      data: { email: o.email, name: o.name ?? DEFAULT_DEMO_NAME, passwordHash, timezone: o.timeZone, createdAt: o.now },
    });
    return { user, created: true };
  } catch (err) {
    // Another process created it meanwhile: continue with theirs.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      return { user: await db.user.findUniqueOrThrow({ where: { email: o.email } }), created: false };
    }
    throw err;
  }
}

/**
 * PostgreSQL spends most of an insert computing the row's search vector; two
 * connections let it use two cores.
 */
async function insertInParallel(db: Db, userId: string, mail: NewEmail[], connections = 2): Promise<number> {
  const size = Math.ceil(mail.length / connections);
  const parts = Array.from({ length: connections }, (_, i) => mail.slice(i * size, (i + 1) * size));
  const counts = await Promise.all(parts.map((part) => insertEmails(db, userId, part)));
  return counts.reduce((a, b) => a + b, 0);
}

export async function seedDemoData(db: Db, o: DemoSeedOptions): Promise<DemoSeedResult> {
  const started = Date.now();
  const { user, created } = await findOrCreateUser(db, o);
  const anchor = user.createdAt;
  const tz = user.timezone;
  const mail = generateDemoMailbox({
    seed: o.seed ?? DEFAULT_DEMO_SEED,
    anchor,
    timeZone: tz,
    owner: { name: user.name, address: user.email },
  });
  const emailsInserted = await insertInParallel(db, user.id, mail);
  const days = demoDays(anchor, tz, DEMO_DAYS);
  const reports = await buildDailyReports(db, user.id, { from: days[0]!.day, to: days[days.length - 1]!.day }, tz);
  o.log?.info(
    { userId: user.id, userCreated: created, emails: mail.length, emailsInserted, reports: reports.length, ms: Date.now() - started },
    'demo data seeded',
  );
  return { userId: user.id, userCreated: created, emailsInserted, reportsBuilt: reports.length, anchor, timeZone: tz };
}

export interface DemoSettings {
  enabled: boolean;
  email: string;
  password: string;
  timezone: string;
}

/**
 * At start-up: seeds the demo when demo data is enabled and the database has
 * no users yet, or when an earlier seed of the demo user stopped before its
 * reports were built. Returns null when there was nothing to do.
 */
export async function seedDemoIfEmpty(
  db: Db,
  demo: DemoSettings,
  opts: { now: Date; log?: Logger; seed?: number },
): Promise<DemoSeedResult | null> {
  if (!demo.enabled) return null;
  if ((await db.user.count()) > 0) {
    const demoUser = await db.user.findUnique({
      where: { email: demo.email },
      select: { _count: { select: { dailyReports: true } } },
    });
    if (!demoUser || demoUser._count.dailyReports > 0) return null;
    opts.log?.warn('demo seeding was interrupted earlier; completing it');
  }
  return seedDemoData(db, {
    email: demo.email,
    password: demo.password,
    timeZone: demo.timezone,
    now: opts.now,
    seed: opts.seed,
    log: opts.log,
  });
}
