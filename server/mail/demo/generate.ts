/**
 * The demo mailbox: a pure function of (seed, anchor instant, time zone,
 * owner). Automated mail follows its schedules and weekly threads their
 * weekday; other conversations are drawn from the thread scripts until the
 * mailbox holds `minEmails` messages, each starting mostly on a working day
 * (weekends are quiet) in working hours, its replies following minutes to a
 * day later. Nothing is dated at or after the anchor.
 */
import { createHash } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';
import type { NewEmail } from '../emailStore.ts';
import { shiftDay, dayOf } from '../../time/calendar.ts';
import { AUTOMATED_STREAMS, type DemoDay } from './automatedMail.ts';
import { CHINESE_THREADS } from './chineseThreads.ts';
import { ENGLISH_THREADS } from './englishThreads.ts';
import { callName, displayName, domainOf, sender, type Sender } from './people.ts';
import { createRandom, type Random } from './random.ts';
import { drawSlots, fill } from './slots.ts';
import type { Lang, Step, ThreadScript } from './threadScripts.ts';

export interface DemoMailboxOptions {
  seed: number;
  /** The mailbox ends just before this instant ("now" when it was made). */
  anchor: Date;
  /** The owner's IANA time zone: working hours and dates in the text are local to it. */
  timeZone: string;
  owner: { name: string; address: string };
  /** Calendar days covered, ending with the anchor's day. */
  days?: number;
  minEmails?: number;
}

export const DEMO_DAYS = 60;
export const DEMO_MIN_EMAILS = 2_200;

const THREAD_SCRIPTS: readonly ThreadScript[] = [...ENGLISH_THREADS, ...CHINESE_THREADS];

/** Someone who writes in a thread: a known sender or the mailbox owner. */
interface Person {
  address: string;
  name: (lang: Lang) => string;
  call: (lang: Lang) => string;
  sender?: Sender;
}

function ownerPerson(owner: { name: string; address: string }): Person {
  const first = owner.name.split(/\s+/)[0] || owner.name;
  return { address: owner.address, name: () => owner.name, call: () => first };
}

function senderPerson(s: Sender): Person {
  return { address: s.address, name: (lang) => displayName(s, lang), call: (lang) => callName(s, lang), sender: s };
}

// ------------------------------------------------------------------ time

function localTime(day: string, hour: number, minute: number, tz: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, hour, minute, tz).getTime());
}

export function demoDays(anchor: Date, tz: string, count: number): DemoDay[] {
  const last = dayOf(anchor, tz);
  return Array.from({ length: count }, (_, i) => {
    const day = shiftDay(last, i - count + 1);
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const date = new Date(y, m - 1, d, 12);
    return { day, weekday: date.getDay(), date, index: i };
  });
}

const WORKING_HOURS = [8, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 21];

function threadStart(rng: Random, d: DemoDay, tz: string): Date {
  return localTime(d.day, rng.pick(WORKING_HOURS), rng.int(0, 59), tz);
}

/** When the next message of a thread arrives: soon, later that day, or a working morning after. */
function replyTime(rng: Random, prev: Date, tz: string): Date {
  const r = rng.next();
  let t: Date;
  if (r < 0.55) t = new Date(prev.getTime() + rng.int(6, 120) * 60_000);
  else if (r < 0.85) t = new Date(prev.getTime() + rng.int(2, 6) * 3_600_000);
  else t = nextMorning(rng, prev, tz, rng.int(1, 2));
  const hour = new TZDate(t.getTime(), tz).getHours();
  return hour >= 22 || hour < 7 ? nextMorning(rng, hour < 7 ? new Date(t.getTime() - 12 * 3_600_000) : t, tz, 1) : t;
}

function nextMorning(rng: Random, from: Date, tz: string, days: number): Date {
  const zoned = new TZDate(from.getTime(), tz);
  let d = addDays(new Date(zoned.getFullYear(), zoned.getMonth(), zoned.getDate(), 12), days);
  // Most people leave weekend mail until Monday.
  while ((d.getDay() === 0 || d.getDay() === 6) && rng.chance(0.8)) d = addDays(d, 1);
  return localTime(format(d, 'yyyy-MM-dd'), rng.int(8, 10), rng.int(0, 59), tz);
}

// ------------------------------------------------------------------ text

const GREETINGS = {
  en: ['Hi {to},', 'Hello {to},', 'Hi {to},', '{to},'],
  zh: ['{to}，你好：', '{to}你好，', 'Hi {to}，', '{to}：'],
};
const GREETINGS_ALL = { en: ['Hi all,', 'Hello everyone,', 'Hi team,'], zh: ['各位好：', '大家好，', '各位同事：'] };
const SIGN_OFFS = {
  en: ['Thanks,', 'Best,', 'Cheers,', 'Best regards,', 'Thanks a lot,', 'Kind regards,'],
  zh: ['谢谢！', '辛苦了！', '多谢，', '祝好，', '谢谢'],
};

function composeBody(
  rng: Random,
  lang: Lang,
  step: Step,
  text: string,
  author: Person,
  to: Person,
  withSignature: boolean,
): string {
  const signName = author.call(lang);
  const style = step.style ?? 'full';
  if (style === 'short') return `${text}\n\n${signName}`;
  const greeting = style === 'all' ? rng.pick(GREETINGS_ALL[lang]) : rng.pick(GREETINGS[lang]).replace('{to}', to.call(lang));
  let body = `${greeting}\n\n${text}\n\n${rng.pick(SIGN_OFFS[lang])}\n${signName}`;
  if (withSignature && author.sender?.title) body += `\n\n-- \n${author.name(lang)}\n${author.sender.title}`;
  return body;
}

function quote(lang: Lang, prev: NewEmail, tz: string): string {
  const when = new TZDate(prev.receivedAt.getTime(), tz);
  const header =
    lang === 'zh'
      ? `在 ${format(when, 'yyyy年M月d日 HH:mm')}，${prev.fromName} <${prev.fromAddress}> 写道：`
      : `On ${format(when, "EEE, d MMM yyyy 'at' HH:mm")}, ${prev.fromName} <${prev.fromAddress}> wrote:`;
  const lines = prev.bodyText.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('>') && l !== '-- ');
  return `${header}\n${lines.slice(0, 6).map((l) => `> ${l}`).join('\n')}`;
}

// ------------------------------------------------------------------ ids

function messageIds(seed: number) {
  let n = 0;
  return (domain: string) => {
    n += 1;
    const hash = createHash('sha256').update(`${seed}:${n}`).digest('hex').slice(0, 16);
    return `<${hash}.${n}@${domain}>`;
  };
}

// ------------------------------------------------------------------ composition

function automatedMail(
  rng: Random,
  days: readonly DemoDay[],
  o: DemoMailboxOptions,
  nextId: (domain: string) => string,
): NewEmail[] {
  const out: NewEmail[] = [];
  for (const d of days) {
    for (const stream of AUTOMATED_STREAMS) {
      const from = sender(stream.sender);
      for (const m of stream.onDay(d, rng, o.owner)) {
        const messageId = nextId(domainOf(from.address));
        out.push({
          messageId,
          threadId: messageId,
          inReplyTo: null,
          fromAddress: from.address,
          fromName: displayName(from, stream.lang),
          to: [o.owner.address],
          cc: [],
          subject: m.subject,
          bodyText: m.body,
          receivedAt: localTime(d.day, m.hour, m.minute, o.timeZone),
          labels: ['inbox', ...stream.labels, ...(m.labels ?? [])],
        });
      }
    }
  }
  return out;
}

function conversation(
  rng: Random,
  { script, day }: PlannedThread,
  o: DemoMailboxOptions,
  nextId: (domain: string) => string,
): NewEmail[] {
  const lang = script.lang;
  const owner = ownerPerson(o.owner);
  const them = senderPerson(sender(rng.pick(script.with)));
  const other = script.cc ? senderPerson(sender(rng.pick(script.cc))) : undefined;
  const start = threadStart(rng, day, o.timeZone);
  const slots = drawSlots(rng, start, o.timeZone, {
    me: owner.call(lang),
    them: them.call(lang),
    other: other?.call(lang) ?? '',
  });
  const subject = fill(script.subject, slots);
  const replyPrefix = lang === 'zh' && rng.chance(0.4) ? '回复：' : 'Re: ';
  const n = script.steps.length;
  const length = script.complete || rng.chance(0.5) ? n : rng.int(1, n - 1);
  const participants = [them, owner, ...(other ? [other] : [])];

  const thread: NewEmail[] = [];
  const signed = new Set<string>();
  let at = start;
  for (const step of script.steps.slice(0, length)) {
    const author = step.by === 'me' ? owner : step.by === 'other' ? other : them;
    if (!author) throw new Error(`Thread script ${script.key} has an 'other' step but no cc`);
    const prev = thread[thread.length - 1];
    if (prev) at = replyTime(rng, prev.receivedAt, o.timeZone);
    if (at.getTime() >= o.anchor.getTime()) break;
    // Reply to whoever wrote last; everyone else in the thread stays in cc.
    const to = prev ? participants.find((p) => p.address === prev.fromAddress)! : author === owner ? them : owner;
    const cc = participants.filter((p) => p !== author && p !== to);
    const text = fill(step.text, slots);
    let body = composeBody(rng, lang, step, text, author, to, !signed.has(author.address));
    signed.add(author.address);
    if (prev && rng.chance(0.7)) body += `\n\n${quote(lang, prev, o.timeZone)}`;
    const messageId = nextId(domainOf(author.address));
    thread.push({
      messageId,
      threadId: thread[0]?.messageId ?? messageId,
      inReplyTo: prev?.messageId ?? null,
      fromAddress: author.address,
      fromName: author.name(lang),
      to: [to.address],
      cc: cc.map((p) => p.address),
      subject: prev ? replyPrefix + subject : subject,
      bodyText: body,
      receivedAt: at,
      labels: [author === owner ? 'sent' : 'inbox', ...script.labels],
    });
  }
  return thread;
}

interface PlannedThread {
  script: ThreadScript;
  day: DemoDay;
}

const DEFAULT_EVERY = 3;
const workdayWeight = (d: DemoDay) => (d.weekday === 0 || d.weekday === 6 ? 0.1 : 1);

/**
 * Chooses what the next thread is about and the day it starts: every template
 * once first (so each topic is in the demo), then weighted draws. A template
 * recurs only after `every` days and retires after `max` threads, so the same
 * conversation does not start twice on one day.
 */
function threadPlanner(rng: Random, days: readonly DemoDay[]) {
  const drawn = THREAD_SCRIPTS.filter((s) => s.weekly === undefined);
  const firstPass = rng.shuffle(drawn);
  const startedOn = new Map<string, number[]>();
  const fits = (s: ThreadScript, d: DemoDay, spaced: boolean) => {
    const used = startedOn.get(s.key) ?? [];
    if (s.max !== undefined && used.length >= s.max) return false;
    return !spaced || used.every((i) => Math.abs(i - d.index) >= (s.every ?? DEFAULT_EVERY));
  };
  return (): PlannedThread => {
    for (let attempt = 0; ; attempt++) {
      // A mailbox asked for more mail than the spacing allows gets repeats sooner rather than never finishing.
      const spaced = attempt < 100;
      const day = rng.weighted(days, workdayWeight);
      let script: ThreadScript | undefined;
      if (firstPass.length > 0) {
        if (fits(firstPass[0]!, day, spaced)) script = firstPass.shift();
      } else {
        const open = drawn.filter((s) => fits(s, day, spaced));
        if (open.length > 0) script = rng.weighted(open, (s) => s.weight ?? 1);
      }
      if (!script) continue;
      startedOn.set(script.key, [...(startedOn.get(script.key) ?? []), day.index]);
      return { script, day };
    }
  };
}

export function generateDemoMailbox(o: DemoMailboxOptions): NewEmail[] {
  const rng = createRandom(o.seed);
  const nextId = messageIds(o.seed);
  const days = demoDays(o.anchor, o.timeZone, o.days ?? DEMO_DAYS);
  const first = localTime(days[0]!.day, 0, 0, o.timeZone).getTime();
  const inRange = (e: NewEmail) => e.receivedAt.getTime() >= first && e.receivedAt.getTime() < o.anchor.getTime();

  const mail = automatedMail(rng, days, o, nextId).filter(inRange);
  for (const script of THREAD_SCRIPTS.filter((s) => s.weekly !== undefined)) {
    for (const day of days.filter((d) => d.weekday === script.weekly)) {
      mail.push(...conversation(rng, { script, day }, o, nextId).filter(inRange));
    }
  }
  const plan = threadPlanner(rng, days);
  const min = o.minEmails ?? DEMO_MIN_EMAILS;
  while (mail.length < min) mail.push(...conversation(rng, plan(), o, nextId).filter(inRange));
  mail.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.messageId < b.messageId ? -1 : 1));
  markUnread(mail, days, o.timeZone);
  return mail;
}

/**
 * The demo's read state, as a mail client leaves it (IMAP's \Seen flag, kept
 * as the label `unread`, as Gmail does): received mail of today and yesterday
 * that the owner has not answered since, and the newsletters of the last week
 * (skimmed in the list, never opened). Decided without the random stream, so
 * every other part of the demo stays as it was.
 */
function markUnread(mail: NewEmail[], days: readonly DemoDay[], tz: string): void {
  const at = (offset: number) => localTime(days[Math.max(0, days.length - offset)]!.day, 0, 0, tz).getTime();
  const recent = at(2);
  const lastWeek = at(7);
  const lastAnswer = new Map<string, number>();
  for (const e of mail) if (e.labels.includes('sent')) lastAnswer.set(e.threadId, e.receivedAt.getTime());
  for (const e of mail) {
    if (!e.labels.includes('inbox')) continue;
    const t = e.receivedAt.getTime();
    const answered = (lastAnswer.get(e.threadId) ?? 0) > t;
    if ((t >= recent && !answered) || (e.labels.includes('newsletter') && t >= lastWeek)) e.labels.push('unread');
  }
}
