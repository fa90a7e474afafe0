import { describe, expect, it } from 'vitest';
import { TZDate } from '@date-fns/tz';
import { generateDemoMailbox, type DemoMailboxOptions } from '../../server/mail/demo/generate.ts';
import { findSignals } from '../../server/mail/reportSignals.ts';
import { dayOf, shiftDay, startOfDayIn } from '../../server/time/calendar.ts';
import { DEMO, DEMO_FACTS } from '../helpers/demo.ts';

const options: DemoMailboxOptions = {
  seed: DEMO.seed,
  anchor: DEMO.anchor,
  timeZone: DEMO.timeZone,
  owner: { name: DEMO.name, address: DEMO.email },
};
const mail = generateDemoMailbox(options);
const CJK = /[\u4e00-\u9fff]/;
const isOwner = (m: { fromAddress: string }) => m.fromAddress === DEMO.email;

describe('generateDemoMailbox', () => {
  it('is a pure function of seed, anchor, time zone and owner', () => {
    const again = generateDemoMailbox({ ...options, anchor: new Date(DEMO.anchor.getTime()) });
    expect(again).toEqual(mail);
    expect(JSON.stringify(again)).toBe(JSON.stringify(mail));
    const other = generateDemoMailbox({ ...options, seed: DEMO.seed + 1 });
    expect(other.map((m) => m.subject)).not.toEqual(mail.map((m) => m.subject));
  });

  it('holds at least 2,000 emails with unique Message-IDs, all before the anchor', () => {
    expect(mail.length).toBeGreaterThanOrEqual(2_000);
    expect(mail.length).toBe(DEMO_FACTS.emailCount);
    expect(new Set(mail.map((m) => m.messageId)).size).toBe(mail.length);
    for (const m of mail) expect(m.messageId).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
    expect(Math.max(...mail.map((m) => m.receivedAt.getTime()))).toBeLessThan(DEMO.anchor.getTime());
  });

  it('spans the 60 days up to the anchor, busy on weekdays and quiet on weekends', () => {
    const first = startOfDayIn(DEMO_FACTS.firstDay, DEMO.timeZone);
    expect(Math.min(...mail.map((m) => m.receivedAt.getTime()))).toBeGreaterThanOrEqual(first.getTime());
    const perDay = new Map<string, number>();
    for (const m of mail) {
      const day = dayOf(m.receivedAt, DEMO.timeZone);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    expect(perDay.has(DEMO_FACTS.firstDay)).toBe(true);
    expect(perDay.has(DEMO_FACTS.today)).toBe(true);
    expect(perDay.size).toBeGreaterThanOrEqual(55);
    expect(shiftDay(DEMO_FACTS.today, -(DEMO_FACTS.days - 1))).toBe(DEMO_FACTS.firstDay);

    const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
    const avg = (days: string[]) => days.reduce((s, d) => s + perDay.get(d)!, 0) / days.length;
    const days = [...perDay.keys()];
    const weekend = days.filter((d) => weekday(d) === 0 || weekday(d) === 6);
    const work = days.filter((d) => !weekend.includes(d));
    expect(avg(work)).toBeGreaterThan(4 * avg(weekend));
  });

  it('sends conversation mail mostly in working hours of the owner’s time zone', () => {
    const people = mail.filter((m) => !m.labels.includes('newsletter') && !m.labels.includes('notification'));
    const hourOf = (m: { receivedAt: Date }) => new TZDate(m.receivedAt.getTime(), DEMO.timeZone).getHours();
    const inHours = people.filter((m) => hourOf(m) >= 8 && hourOf(m) < 20).length;
    expect(inHours / people.length).toBeGreaterThan(0.85);
  });

  it('comes from about 40 senders: English names, Chinese names, both forms, machines', () => {
    const senders = new Map<string, Set<string>>();
    for (const m of mail.filter((x) => !isOwner(x))) {
      senders.set(m.fromAddress, (senders.get(m.fromAddress) ?? new Set()).add(m.fromName));
    }
    expect(senders.size).toBeGreaterThanOrEqual(35);
    expect(senders.size).toBeLessThanOrEqual(45);
    expect(senders.get(DEMO_FACTS.liWei.address)).toEqual(new Set([DEMO_FACTS.liWei.name, DEMO_FACTS.liWei.nameZh]));
    expect(senders.get(DEMO_FACTS.wangFang.address)).toEqual(new Set([DEMO_FACTS.wangFang.name]));
    expect([...senders.keys()].some((a) => /no-?reply|notifications/.test(a))).toBe(true);
  });

  it('is written in English and in Chinese', () => {
    const zh = mail.filter((m) => CJK.test(m.subject)).length;
    const en = mail.filter((m) => !CJK.test(m.subject + m.bodyText)).length;
    expect(zh / mail.length).toBeGreaterThan(0.2);
    expect(en / mail.length).toBeGreaterThan(0.3);
  });

  it('has threads with replies, In-Reply-To chains and replies from the owner', () => {
    const byId = new Map(mail.map((m) => [m.messageId, m]));
    const replies = mail.filter((m) => m.inReplyTo);
    expect(replies.length).toBeGreaterThan(500);
    for (const r of replies) {
      const parent = byId.get(r.inReplyTo!)!;
      expect(parent).toBeDefined();
      expect(parent.threadId).toBe(r.threadId);
      expect(parent.receivedAt.getTime()).toBeLessThan(r.receivedAt.getTime());
      expect(r.subject).toMatch(/^(Re: |回复：)/);
    }
    for (const m of mail) expect(byId.get(m.threadId)?.inReplyTo ?? null).toBeNull();
    const ownerReplies = replies.filter(isOwner);
    expect(ownerReplies.length).toBeGreaterThan(100);
    expect(ownerReplies.every((m) => m.labels.includes('sent') && !m.labels.includes('inbox'))).toBe(true);
    const sizes = new Map<string, number>();
    for (const m of mail) sizes.set(m.threadId, (sizes.get(m.threadId) ?? 0) + 1);
    expect([...sizes.values()].filter((n) => n >= 4).length).toBeGreaterThan(10);
  });

  it('contains action items with explicit deadlines in both languages', () => {
    const deadlines = mail.filter((m) => !isOwner(m)).flatMap((m) => findSignals(m.bodyText).deadlines);
    expect(deadlines.some((s) => /please send the revised numbers by \w+day/i.test(s))).toBe(true);
    expect(deadlines.some((s) => /请在周[一二三四五].{0,6}前确认/.test(s))).toBe(true);
    expect(deadlines.filter((s) => CJK.test(s)).length).toBeGreaterThan(20);
    expect(deadlines.filter((s) => !CJK.test(s)).length).toBeGreaterThan(20);
  });

  it('answers the questions of the product spec', () => {
    const liWei = mail.filter((m) => m.fromAddress === DEMO_FACTS.liWei.address);
    expect(liWei.some((m) => m.fromName === 'Li Wei' && m.subject === DEMO_FACTS.subjects.q3BudgetReview)).toBe(true);
    expect(liWei.some((m) => m.fromName === '李伟' && m.subject.includes('预算'))).toBe(true);
    expect(mail.some((m) => m.subject === DEMO_FACTS.subjects.budgetAdjustmentZh)).toBe(true);
    expect(mail.some((m) => dayOf(m.receivedAt, DEMO.timeZone) === DEMO_FACTS.yesterday)).toBe(true);
  });

  it('has Li Wei’s spend report every Tuesday and 王芳’s project report every Friday', () => {
    const days = Array.from({ length: DEMO_FACTS.days }, (_, i) => shiftDay(DEMO_FACTS.firstDay, i));
    const on = (weekday: number) => days.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === weekday);
    const rootsOn = (day: string) => mail.filter((m) => !m.inReplyTo && dayOf(m.receivedAt, DEMO.timeZone) === day);
    const w = DEMO_FACTS.weekly;
    for (const day of on(w.liWeiWeekday)) {
      const root = rootsOn(day).find((m) => m.subject.startsWith(w.liWeiSubjectPrefix));
      expect(root, day).toMatchObject({ fromAddress: DEMO_FACTS.liWei.address, fromName: DEMO_FACTS.liWei.name });
      expect(mail.filter((m) => m.threadId === root!.messageId && m.fromAddress === DEMO_FACTS.liWei.address)).toHaveLength(2);
    }
    for (const day of on(w.wangFangWeekday)) {
      expect(rootsOn(day).find((m) => w.wangFangSubject.test(m.subject)), day).toMatchObject({ fromName: '王芳' });
    }
  });

  it('labels mail by kind', () => {
    const labels = new Set(mail.flatMap((m) => m.labels));
    for (const l of ['inbox', 'sent', 'work', 'finance', 'newsletter', 'notification', 'important', 'customer', 'hr']) {
      expect(labels).toContain(l);
    }
  });

  it('uses the owner’s name and address', () => {
    const other = generateDemoMailbox({ ...options, owner: { name: 'Jordan Lee', address: 'jordan@example.org' } });
    const received = other.filter((m) => m.labels.includes('inbox'));
    expect(received.every((m) => m.to.includes('jordan@example.org') || m.cc.includes('jordan@example.org'))).toBe(true);
    expect(other.filter((m) => m.fromAddress === 'jordan@example.org').every((m) => m.fromName === 'Jordan Lee')).toBe(true);
    expect(other.some((m) => /^(Hi|Hello) Jordan,/.test(m.bodyText))).toBe(true);
  });
});
