/**
 * The demo mailbox as tests see it: seeded once per run into a template
 * database (tests/setup/globalSetup.ts) with a fixed seed, anchor instant and
 * time zone, so its content is the same on every run and machine. Each test
 * file clones it with createDemoDatabase().
 *
 * The anchor is Friday 2026-11-20 18:00 in Asia/Shanghai (10:00 UTC): "today"
 * is that Friday, "yesterday" Thursday 2026-11-19, and the mailbox covers the
 * 60 days 2026-09-22 … 2026-11-20 (Shanghai days; the zone has no DST).
 */
import { inject } from 'vitest';
import { REFERENCE_DEMO } from '../../server/mail/demo/referenceDemo.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const DEMO = REFERENCE_DEMO;

/** Facts about the seeded demo that tests may rely on (tests/mail/demoFixture.test.ts keeps them true). */
export const DEMO_FACTS = {
  today: '2026-11-20',
  yesterday: '2026-11-19',
  firstDay: '2026-09-22',
  days: 60,
  /** Every email of the mailbox. */
  emailCount: 2200,
  liWei: { address: 'li.wei@northwind.example', name: 'Li Wei', nameZh: '李伟' },
  wangFang: { address: 'wang.fang@northwind.example', name: '王芳' },
  /** Subjects of thread roots that exist in the demo. */
  subjects: {
    q3BudgetReview: 'Q3 budget review',
    budgetAdjustmentZh: '第三季度预算调整',
  },
  /**
   * Threads that start every week: Li Wei's "Engineering spend, week <ISO week>"
   * on Tuesdays (two emails from him each), 王芳's "<project>项目周报（第<week>周）" on Fridays.
   */
  weekly: {
    liWeiSubjectPrefix: 'Engineering spend, week ',
    liWeiWeekday: 2,
    wangFangSubject: /项目周报（第\d+周）$/,
    wangFangWeekday: 5,
  },
} as const;

export interface DemoDatabase extends TestDatabase {
  /** The demo user's id in this database. */
  userId: string;
}

/** A fresh database holding the seeded demo (cloned from the run's demo template). */
export async function createDemoDatabase(): Promise<DemoDatabase> {
  const t = await createTestDatabase(inject('pgDemoTemplate'));
  const user = await t.db.user.findUniqueOrThrow({ where: { email: DEMO.email }, select: { id: true } });
  return { ...t, userId: user.id };
}
