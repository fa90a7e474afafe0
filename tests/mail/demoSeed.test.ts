import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DailyReportSchema } from '../../shared/api.ts';
import { verifyPassword } from '../../server/auth/passwords.ts';
import { REFERENCE_DEMO_SEED_OPTIONS } from '../../server/mail/demo/referenceDemo.ts';
import { seedDemoData, seedDemoIfEmpty } from '../../server/mail/demo/seed.ts';
import { toReportDto } from '../../server/mail/reportStore.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createDemoDatabase, DEMO, DEMO_FACTS, type DemoDatabase } from '../helpers/demo.ts';

const seedOptions = REFERENCE_DEMO_SEED_OPTIONS;

describe('the seeded demo (template fixture)', () => {
  let t: DemoDatabase;
  beforeAll(async () => {
    t = await createDemoDatabase();
  });
  afterAll(() => t.drop());

  it('has the demo user with the demo password and time zone, created at the anchor', async () => {
    const user = await t.db.user.findUniqueOrThrow({ where: { id: t.userId } });
    expect(user).toMatchObject({ email: DEMO.email, name: DEMO.name, timezone: DEMO.timeZone, createdAt: DEMO.anchor });
    expect(await verifyPassword(user.passwordHash, DEMO.password)).toBe(true);
  });

  it('stores every generated email, with snippets and search vectors', async () => {
    expect(await t.db.email.count({ where: { userId: t.userId } })).toBe(DEMO_FACTS.emailCount);
    const [row] = await t.db.$queryRaw<{ empty_snippets: bigint; no_vector: bigint }[]>`
      SELECT count(*) FILTER (WHERE snippet = '') AS empty_snippets, count(*) FILTER (WHERE search_vector IS NULL) AS no_vector FROM emails`;
    expect(row).toEqual({ empty_snippets: 0n, no_vector: 0n });
  });

  it('has a valid report for each of the 60 days and none outside them', async () => {
    const reports = await t.db.dailyReport.findMany({ where: { userId: t.userId }, orderBy: { date: 'asc' } });
    expect(reports).toHaveLength(DEMO_FACTS.days);
    const dtos = reports.map(toReportDto);
    expect(dtos[0]!.date).toBe(DEMO_FACTS.firstDay);
    expect(dtos[dtos.length - 1]!.date).toBe(DEMO_FACTS.today);
    for (const dto of dtos) expect(DailyReportSchema.parse(dto)).toEqual(dto);
    expect(dtos.reduce((s, r) => s + r.statistics.total, 0)).toBe(DEMO_FACTS.emailCount);
  });

  it('seeding again changes nothing', async () => {
    const before = {
      user: await t.db.user.findUniqueOrThrow({ where: { id: t.userId } }),
      emails: await t.db.email.count(),
      reports: await t.db.dailyReport.findMany({ orderBy: { date: 'asc' } }),
    };
    const r = await seedDemoData(t.db, { ...seedOptions, now: new Date() });
    expect(r).toMatchObject({ userId: t.userId, userCreated: false, emailsInserted: 0, reportsBuilt: 60, anchor: DEMO.anchor });
    expect(await t.db.user.findUniqueOrThrow({ where: { id: t.userId } })).toEqual(before.user);
    expect(await t.db.email.count()).toBe(before.emails);
    expect(await t.db.dailyReport.findMany({ orderBy: { date: 'asc' } })).toEqual(before.reports);
  });

  it('seedDemoIfEmpty leaves a database with users alone', async () => {
    const demo = { enabled: true, email: DEMO.email, password: DEMO.password, timezone: 'UTC' };
    expect(await seedDemoIfEmpty(t.db, demo, { now: new Date() })).toBeNull();
    expect(await seedDemoIfEmpty(t.db, { ...demo, email: 'someone-else@agentwire.local' }, { now: new Date() })).toBeNull();
  });
});

describe('seedDemoIfEmpty', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());
  const demo = { enabled: true, email: 'demo@example.org', password: 'demo-password', timezone: 'Europe/Berlin' };
  const now = new Date('2026-06-10T08:00:00Z');

  it('does nothing when demo data is disabled', async () => {
    expect(await seedDemoIfEmpty(t.db, { ...demo, enabled: false }, { now })).toBeNull();
    expect(await t.db.user.count()).toBe(0);
  });

  it('completes a seed that stopped before its reports were built', async () => {
    // As if the process died right after creating the user.
    await t.db.user.create({ data: { email: demo.email, name: 'Demo', passwordHash: 'x', timezone: demo.timezone, createdAt: now } });
    const r = await seedDemoIfEmpty(t.db, demo, { now: new Date(), seed: 7 });
    expect(r).toMatchObject({ userCreated: false, reportsBuilt: 60, anchor: now, timeZone: 'Europe/Berlin' });
    expect(r!.emailsInserted).toBeGreaterThanOrEqual(2_000);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: demo.email } });
    expect(await verifyPassword(user.passwordHash, demo.password)).toBe(true);
    const last = await t.db.email.findFirstOrThrow({ orderBy: { receivedAt: 'desc' } });
    expect(last.receivedAt.getTime()).toBeLessThan(now.getTime());
    expect(await seedDemoIfEmpty(t.db, demo, { now: new Date() })).toBeNull();
  });
});
