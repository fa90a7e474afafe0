/**
 * `npm run eval`: the answer-quality eval of the offline model (or any model
 * LLM_PROVIDER selects, with EVAL_MODEL=env). Starts the reference demo
 * (embedded PostgreSQL, or a scratch database on DATABASE_URL's server), a
 * whole server with its clock fixed at the demo's "now", signs in over HTTP
 * and asks every conversation of eval/questions.ts and eval/heldout.ts (the
 * held-out set, written before reading the parser; EVAL_SET=original|heldout
 * for one) over Socket.IO, as the web app does. Each answer is scored on five criteria:
 *
 * - tool: the first tool called is the expected one (read_latest: a search,
 *   then read_email);
 * - args: the arguments select the same emails as the expected ones, through
 *   the HTTP API (same total and ids), or the same day(s)/group/email;
 * - grounded: every email subject named in the answer belongs to the API's
 *   result for the expected arguments, and the newest is named (counts: the
 *   exact number; reports: the day's figures; needs-reply: listed subjects
 *   come from the reports and the newest is named);
 * - language: the answer is in the question's language (a Chinese answer has
 *   no English sentence of its own, such as a report's English summary);
 * - completion: the run completed with an answer.
 *
 * Prints a table by criterion and language and every failure. Exit code 1
 * when fewer than 90% are fully right or a language is under 85%.
 */
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../server/config.ts';
import { createServer } from '../server/createServer.ts';
import { createLogger } from '../server/logger.ts';
import { mailAssistant } from '../agents/mail/agent.ts';
import { LocalMailModel } from '../agents/mail/local/LocalMailModel.ts';
import { REFERENCE_DEMO } from '../server/mail/demo/referenceDemo.ts';
import { startDemoDatabase } from '../bench/support/demoDatabase.ts';
import { dayOf, shiftDay } from '../server/time/calendar.ts';
import { CHINESE, ENGLISH, type Conversation, type Expected, type Filters, type Turn } from './questions.ts';
import { HELDOUT_CHINESE, HELDOUT_ENGLISH } from './heldout.ts';
import { HELDOUT2_CHINESE, HELDOUT2_ENGLISH } from './heldout2.ts';
import { HELDOUT3_CHINESE, HELDOUT3_ENGLISH } from './heldout3.ts';
import { HELDOUT4_CHINESE, HELDOUT4_ENGLISH } from './heldout4.ts';
import { HELDOUT5_CHINESE, HELDOUT5_ENGLISH } from './heldout5.ts';
import { HELDOUT6_CHINESE, HELDOUT6_ENGLISH } from './heldout6.ts';
import { HELDOUT7_CHINESE, HELDOUT7_ENGLISH } from './heldout7.ts';

type Email = { id: string; from: string; fromName: string; subject: string; receivedAt: string; threadId: string; labels: string[] };
type Lang = 'en' | 'zh';
/** `original`: eval/questions.ts; `heldout`: eval/heldout.ts, written before its author read the parser. */
type EvalSet = 'original' | 'heldout' | 'heldout2' | 'heldout3' | 'heldout4' | 'heldout5' | 'heldout6' | 'heldout7';
const ALL_SETS: EvalSet[] = ['original', 'heldout', 'heldout2', 'heldout3', 'heldout4', 'heldout5', 'heldout6', 'heldout7'];
const SETS: EvalSet[] = ALL_SETS.includes(process.env.EVAL_SET as EvalSet) ? [process.env.EVAL_SET as EvalSet] : ALL_SETS;
const CRITERIA = ['tool', 'args', 'grounded', 'language', 'completion'] as const;
type Criterion = (typeof CRITERIA)[number];

interface Outcome {
  set: EvalSet;
  conversation: number;
  turn: number;
  q: string;
  lang: Lang;
  followUp: boolean;
  scores: Record<Criterion, boolean>;
  notes: string[];
  calls: { name: string; args: Record<string, unknown>; result?: unknown }[];
  answer: string;
}

const log = createLogger(process.env.LOG_LEVEL ?? 'warn', { component: 'eval' });
const clock = { now: () => REFERENCE_DEMO.anchor.getTime() };
const TZ = REFERENCE_DEMO.timeZone;

// ---------------------------------------------------------------- HTTP API

class Api {
  private readonly cache = new Map<string, unknown>();
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async get<T>(path: string): Promise<T> {
    const hit = this.cache.get(path);
    if (hit) return hit as T;
    const res = await fetch(this.url + path, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as T;
    this.cache.set(path, body);
    return body;
  }

  /** Every email the filters select, newest first (paged through GET /api/emails). */
  async emails(f: Filters): Promise<Email[]> {
    const out: Email[] = [];
    for (let offset = 0; ; offset += 100) {
      const qs = new URLSearchParams({ limit: '100', offset: String(offset) });
      if (f.query) qs.set('q', f.query);
      if (f.sender) qs.set('from', f.sender);
      if (f.recipient) qs.set('to', f.recipient);
      if (f.after) qs.set('after', f.after);
      if (f.before) qs.set('before', f.before);
      if (f.label) qs.set('label', f.label);
      const page = await this.get<{ items: Email[]; total: number }>(`/api/emails?${qs}`);
      out.push(...page.items);
      if (page.items.length < 100 || out.length >= page.total) return out;
    }
  }

  report(date: string) {
    return this.get<{
      date: string;
      summary: string;
      highlights: { kind: string; text: string }[];
      statistics: { total: number; threads: number; needsReply: { subject: string; from: string; emailId: string }[] };
    } | null>(
      `/api/reports/${date}`,
    ).catch(() => null);
  }

  reports(from: string, to: string) {
    return this.get<{
      items: { date: string; highlights: { kind: string; text: string }[]; statistics: { total: number; needsReply: { subject: string; emailId: string }[] } }[];
    }>(`/api/reports?from=${from}&to=${to}`);
  }
}

// ---------------------------------------------------------------- socket

interface TurnEvents {
  calls: { id: string; name: string; args: Record<string, unknown>; result?: unknown; error?: string }[];
  answer: string;
  status: string;
}

function ask(socket: Socket, sessionId: string, content: string, timeoutMs = 30_000): Promise<TurnEvents> {
  return new Promise((resolve, reject) => {
    const calls: TurnEvents['calls'] = [];
    let runId: string | undefined;
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onEvent = (type: string, p: any) => {
      if (!p || p.session_id !== sessionId || (runId && p.run_id !== runId)) return;
      if (type === 'tool_call_start') calls.push({ id: p.tool_call_id, name: p.tool_name, args: p.tool_args });
      if (type === 'tool_call_result') {
        const c = calls.find((x) => x.id === p.tool_call_id);
        if (c) c.result = p.tool_result;
      }
      if (type === 'tool_error') {
        const c = calls.find((x) => x.id === p.tool_call_id);
        if (c) c.error = p.error?.message;
      }
      if (type === 'conversation_complete') finish(undefined, { calls, answer: p.content, status: p.status });
    };
    const finish = (err?: Error, value?: TurnEvents) => {
      clearTimeout(timer);
      socket.offAny(onEvent);
      if (err) reject(err);
      else resolve(value!);
    };
    socket.onAny(onEvent);
    socket
      .timeout(10_000)
      .emitWithAck('user_message', { session_id: sessionId, content })
      .then((ack: any) => {
        if (!ack?.ok) finish(new Error(`user_message refused: ${JSON.stringify(ack?.error)}`));
        else runId = ack.run_id;
      }, finish);
  });
}

// ---------------------------------------------------------------- scoring

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/;

function expectedLang(turn: Turn, names: string[]): Lang {
  if (turn.lang) return turn.lang;
  let text = turn.q;
  for (const n of names) if (n) text = text.split(n).join(' ');
  return HAN.test(text) ? 'zh' : 'en';
}

/** The answer's own words: without quoted email text, bold subjects, quotes and names. */
function answerFrame(answer: string, names: string[]): string {
  let text = answer
    .split('\n')
    .filter((l) => !l.startsWith('>'))
    .join('\n')
    .replace(/\*\*[^*]*\*\*/g, ' ')
    .replace(/“[^”]*”|"[^"]*"|「[^」]*」/g, ' ')
    .replace(/\([^)]*\)|（[^）]*）/g, ' ')
    .replace(/^.*?(?:From|To|Cc|发件人|收件人|抄送)[:：].*$/gm, ' ');
  for (const n of names) if (n) text = text.split(n).join(' ');
  return text;
}

function languageOk(answer: string, lang: Lang, names: string[]): boolean {
  const frame = answerFrame(answer, names);
  const han = (frame.match(/[\u3400-\u4dbf\u4e00-\u9fff]/g) ?? []).length;
  const latin = (frame.match(/[A-Za-z]{2,}/g) ?? []).length;
  // Chinese: no English sentence of our own pasted in (a report's English summary), quotes and names aside.
  const englishSentence = /(?:[A-Za-z]{2,}[\s,.;:'’-]+){5}[A-Za-z]{2,}/.test(frame);
  return lang === 'zh' ? han >= 2 && !englishSentence : han === 0 && latin > 0;
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

function filtersOf(args: Record<string, unknown>): Filters {
  const pick = (k: string) => (typeof args[k] === 'string' && (args[k] as string).trim() ? (args[k] as string) : undefined);
  const day = (v: string | undefined) => (v === 'today' ? dayOf(clock.now(), TZ) : v === 'yesterday' ? shiftDay(dayOf(clock.now(), TZ), -1) : v);
  return {
    ...(pick('query') ? { query: pick('query') } : {}),
    ...(pick('sender') ? { sender: pick('sender') } : {}),
    ...(pick('recipient') ? { recipient: pick('recipient') } : {}),
    ...(pick('after') ? { after: day(pick('after'))!.slice(0, 10) } : {}),
    ...(pick('before') ? { before: day(pick('before'))!.slice(0, 10) } : {}),
    ...(pick('label') ? { label: pick('label') } : {}),
  };
}

/** Subjects the answer names: bold list items and quoted subjects that are subjects of the mailbox. */
function namedSubjects(answer: string, allSubjects: Set<string>): string[] {
  const named = new Set<string>();
  for (const m of answer.matchAll(/\*\*([^*]+)\*\*|“([^”]+)”|"([^"]+)"/g)) {
    const s = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (allSubjects.has(s)) named.add(s);
  }
  return [...named];
}

function groupCounts(emails: Email[], by: 'day' | 'sender' | 'thread'): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of emails) {
    const key = by === 'day' ? dayOf(Date.parse(e.receivedAt), TZ) : by === 'sender' ? e.from.toLowerCase() : e.threadId;
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

interface Context {
  api: Api;
  allSubjects: Set<string>;
  ownAddress: string;
  contactNames: string[];
}

interface Previous {
  expectedEmails?: Email[];
  /** Ids the previous answer listed, in order (from its search result). */
  listed?: string[];
}

async function score(ctx: Context, turn: Turn, ev: TurnEvents, prev: Previous, lang: Lang): Promise<{ scores: Record<Criterion, boolean>; notes: string[]; next: Previous }> {
  const notes: string[] = [];
  const e: Expected = turn.expect;
  const first = ev.calls[0];
  const completion = ev.status === 'completed' && ev.answer.trim().length > 0;
  let language = languageOk(ev.answer.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u2060/g, ''), lang, ctx.contactNames);
  let tool = false;
  let args = false;
  let grounded = false;
  const next: Previous = {};
  // What the reader sees: markdown escapes rendered.
  const answer = ev.answer.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u2060/g, '');
  const named = namedSubjects(answer, ctx.allSubjects);

  if (e.tool === 'search_emails' || e.tool === 'read_latest') {
    const expected = await ctx.api.emails(e.args);
    next.expectedEmails = expected;
    // The search the answer rests on: the last one (after a looser retry).
    tool = first?.name === 'search_emails' && (e.tool === 'search_emails' || ev.calls.some((c) => c.name === 'read_email'));
    const searches = ev.calls.filter((c) => c.name === 'search_emails');
    // The search the answer rests on: the last one (after a looser retry); right arguments when any search selects the expected emails.
    const search = searches.at(-1);
    let finalSet = expected;
    if (search) {
      finalSet = await ctx.api.emails(filtersOf(search.args));
      for (const c of searches) {
        const actual = c === search ? finalSet : await ctx.api.emails(filtersOf(c.args));
        if (sameSet(actual.map((x) => x.id), expected.map((x) => x.id))) args = true;
      }
      if (!args) notes.push(`args ${searches.map((c) => JSON.stringify(c.args)).join(' then ')} select ${finalSet.length}, expected ${JSON.stringify(e.args)} select ${expected.length}`);
      const result = search.result as { emails?: { id: string }[] } | undefined;
      next.listed = result?.emails?.map((x) => x.id);
    }
    const subjects = new Set(expected.map((x) => x.subject));
    const stray = named.filter((s) => !subjects.has(s));
    const newest = expected[0];
    if (e.tool === 'read_latest') {
      const read = ev.calls.find((c) => c.name === 'read_email');
      grounded = !!newest && read?.args.id === newest.id && answer.includes(newest.subject);
      if (!grounded) notes.push(`expected the newest, "${newest?.subject ?? '(none)'}", opened`);
    } else if (expected.length === 0) {
      // Honest about the empty result; a looser retry may show emails, which must come from its own result.
      const looser = new Set(finalSet.map((x) => x.subject));
      grounded = named.every((s) => looser.has(s)) && /nothing|no email|没有|未找到|0 封|0 email/i.test(answer);
      if (!grounded) notes.push('expected an honest "nothing found"');
    } else {
      grounded = stray.length === 0 && !!newest && answer.includes(newest.subject) && answer.includes(String(expected.length));
      if (!grounded) notes.push(`named outside the result: ${JSON.stringify(stray)}; newest "${newest?.subject}" named: ${!!newest && answer.includes(newest.subject)}; total ${expected.length} stated: ${answer.includes(String(expected.length))}`);
    }
  } else if (e.tool === 'count_emails') {
    const call = ev.calls.find((c) => c.name === 'count_emails');
    tool = first?.name === 'count_emails';
    const expected = await ctx.api.emails(e.args);
    next.expectedEmails = expected;
    if (call) {
      const actual = await ctx.api.emails(filtersOf(call.args));
      const groupBy = (call.args.group_by as string | undefined) ?? 'none';
      args = sameSet(actual.map((x) => x.id), expected.map((x) => x.id)) && groupBy === e.args.group_by;
      if (!args) notes.push(`args ${JSON.stringify(call.args)} (${actual.length} emails), expected ${JSON.stringify(e.args)} (${expected.length})`);
    }
    if (e.args.group_by === 'none') {
      grounded = new RegExp(`(?<!\\d)${expected.length}(?!\\d)`).test(answer);
      if (!grounded) notes.push(`expected the count ${expected.length} in the answer`);
    } else {
      const groups = [...groupCounts(expected, e.args.group_by)].filter(([k]) => k !== ctx.ownAddress).sort((a, b) => b[1] - a[1]);
      const [topKey, topCount] = groups[0] ?? ['', 0];
      const label =
        e.args.group_by === 'day'
          ? topKey
          : e.args.group_by === 'sender'
            ? expected.find((x) => x.from.toLowerCase() === topKey)?.fromName ?? topKey
            : expected.filter((x) => x.threadId === topKey).at(-1)?.subject ?? topKey;
      const tied = groups.filter(([, c]) => c === topCount).length;
      const labels =
        e.args.group_by === 'sender'
          ? expected.filter((x) => x.from.toLowerCase() === topKey).map((x) => x.fromName)
          : [label];
      grounded = labels.some((l) => answer.includes(l)) && answer.includes(String(topCount));
      if (!grounded) notes.push(`expected the top ${e.args.group_by} "${label}" with ${topCount}${tied > 1 ? ` (${tied} tied)` : ''}`);
    }
  } else if (e.tool === 'read_daily_report') {
    const call = ev.calls.find((c) => c.name === 'read_daily_report');
    tool = first?.name === 'read_daily_report';
    args = call?.args.date === e.args.date || filtersOf({ after: call?.args.date }).after === e.args.date;
    if (!args) notes.push(`date ${JSON.stringify(call?.args)} expected ${e.args.date}`);
    const report = await ctx.api.report(e.args.date);
    grounded = report ? answer.includes(e.args.date) && answer.includes(String(report.statistics.total)) : /no daily report|没有日报/.test(answer);
    if (report && lang === 'zh') {
      // The report's own English (summary, busy threads, counts) must not be pasted into a Chinese answer, quoted or not.
      const english = [report.summary, ...report.highlights.filter((h) => h.kind === 'thread' || h.kind === 'info').map((h) => h.text.replace(/^“[^”]*”:\s*/, ''))];
      const pasted = english.filter((t) => t && answer.includes(t));
      if (pasted.length) {
        language = false;
        notes.push(`English report text pasted into a Chinese answer: ${JSON.stringify(pasted)}`);
      }
    }
    if (!grounded) notes.push(`expected the report of ${e.args.date} (${report?.statistics.total} emails)`);
  } else if (e.tool === 'list_daily_reports') {
    const call = ev.calls.find((c) => c.name === 'list_daily_reports');
    tool = first?.name === 'list_daily_reports';
    args = call?.args.from === e.args.from && call?.args.to === e.args.to;
    if (!args) notes.push(`range ${JSON.stringify(call?.args)} expected ${e.args.from}…${e.args.to}`);
    const { items } = await ctx.api.reports(e.args.from, e.args.to);
    if (e.needsReply) {
      const waiting = items.flatMap((r) => r.statistics.needsReply.map((n) => n.subject));
      const stray = named.filter((s) => !waiting.includes(s));
      const newest = waiting[0];
      grounded = stray.length === 0 && (newest ? answer.includes(newest) : /nothing|没有/i.test(answer));
      if (!grounded) notes.push(`named outside the reports' needs-reply: ${JSON.stringify(stray)}; newest "${newest}" named: ${!!newest && answer.includes(newest)}`);
    } else if (e.deadlines) {
      // A quote reads "sentence (sender, “subject”)": the newest deadline's sentence is shown, and no subject the quotes lack.
      const quotes = items.flatMap((r) => r.highlights.filter((h) => h.kind === 'deadline' || h.kind === 'action'));
      const parsed = quotes.map((h) => /^(.*)\s\((.+?), “(.+)”\)$/s.exec(h.text));
      const subjects = parsed.map((m) => m?.[3]);
      const stray = named.filter((s) => !subjects.includes(s));
      const newest = parsed.find((m, i) => quotes[i]!.kind === 'deadline')?.[1] ?? parsed[0]?.[1];
      grounded = stray.length === 0 && (newest ? answer.includes(newest) : /no deadlines|没有截止/i.test(answer));
      if (!grounded) notes.push(`named outside the reports' deadlines and to-dos: ${JSON.stringify(stray)}; newest "${newest}" shown: ${!!newest && answer.includes(newest)}`);
    } else {
      grounded = items.every((r) => answer.includes(r.date));
      if (!grounded) notes.push(`expected every day of ${e.args.from}…${e.args.to}`);
    }
  } else if (e.tool === 'read_email') {
    const call = ev.calls.find((c) => c.name === 'read_email');
    // The newest of what was only counted (nothing listed yet) is found first, then opened.
    tool = first?.name === 'read_email' || (e.pick === 'newest' && !prev.listed?.length && first?.name === 'search_emails' && !!call);
    const target =
      e.pick === 'newest'
        ? prev.expectedEmails?.[0]?.id
        : prev.listed?.[e.pick === -1 ? prev.listed.length - 1 : e.pick - 1];
    args = !!target && call?.args.id === target;
    if (!args) notes.push(`expected read_email of ${target ?? '(nothing listed before)'}, got ${JSON.stringify(call?.args)}`);
    const email = target ? await ctx.api.get<{ subject: string }>(`/api/emails/${target}`).catch(() => undefined) : undefined;
    grounded = !!email && answer.includes(email.subject);
    if (!grounded) notes.push(`expected the answer to show "${email?.subject}"`);
    next.expectedEmails = prev.expectedEmails;
    next.listed = prev.listed;
  }
  if (!language) notes.push(`answer not in ${lang}`);
  if (!completion) notes.push(`run ${ev.status}`);
  if (!tool) notes.push(`tools called: ${ev.calls.map((c) => c.name).join(', ') || 'none'}`);
  return { scores: { tool, args, grounded, language, completion }, notes, next };
}

// ---------------------------------------------------------------- main

function pct(n: number, d: number): string {
  return d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`;
}

async function main(): Promise<number> {
  const started = Date.now();
  const database = await startDemoDatabase(log);
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    JWT_SECRET: 'eval-secret-that-is-long-enough-for-hs256!!',
    DEMO_DATA: '0',
    DATABASE_URL: database.url,
    // One user asking hundreds of questions in a row.
    RATE_LIMIT_MESSAGES: '100000',
    ...(process.env.EVAL_MODEL === 'env' ? { LLM_PROVIDER: process.env.LLM_PROVIDER ?? 'local' } : {}),
  });
  const chatModel = process.env.EVAL_MODEL === 'env' ? undefined : new LocalMailModel({ tokenDelayMs: 0, now: clock.now });
  const server = await createServer(config, {
    db: database.db,
    log,
    jwtSecret: 'eval-secret-that-is-long-enough-for-hs256!!',
    agent: mailAssistant,
    clock,
    ...(chatModel ? { chatModel } : {}),
  });
  const { url } = await server.listen();
  const outcomes: Outcome[] = [];
  try {
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: REFERENCE_DEMO.email, password: REFERENCE_DEMO.password }),
    });
    if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const api = new Api(url, accessToken);
    const all = await api.emails({});
    const ctx: Context = {
      api,
      allSubjects: new Set(all.map((e) => e.subject)),
      ownAddress: REFERENCE_DEMO.email,
      contactNames: [...new Set(all.map((e) => e.fromName))].sort((a, b) => b.length - a.length),
    };
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: accessToken } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connection_established', () => resolve());
      socket.once('connect_error', reject);
    });

    const conversations = allConversations();
    for (const [ci, conv] of conversations.entries()) {
      const created = await fetch(`${url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ title: `eval ${ci + 1}` }),
      });
      const session = (await created.json()) as { id: string };
      let prev: Previous = {};
      for (const [ti, turn] of conv.turns.entries()) {
        const lang = expectedLang(turn, ctx.contactNames);
        let ev: TurnEvents;
        try {
          ev = await ask(socket, session.id, turn.q);
        } catch (err) {
          ev = { calls: [], answer: '', status: `error: ${(err as Error).message}` };
        }
        const r = await score(ctx, turn, ev, prev, lang);
        prev = r.next;
        outcomes.push({ set: conv.set, conversation: ci + 1, turn: ti + 1, q: turn.q, lang, followUp: ti > 0, scores: r.scores, notes: r.notes, calls: ev.calls, answer: ev.answer });
      }
    }
    socket.close();
  } finally {
    await server.close({ graceMs: 0 });
    await database.close();
  }

  const print = (s = '') => process.stdout.write(s + '\n');
  const fully = (o: Outcome) => CRITERIA.every((c) => o.scores[c]);
  const failures = outcomes.filter((o) => !fully(o));
  if (process.env.EVAL_QUIET !== '1') {
    print(`\nFailures (${failures.length}):`);
    for (const o of failures) {
      const failed = CRITERIA.filter((c) => !o.scores[c]).join(', ');
      print(`\n#${o.conversation}.${o.turn} [${o.set}, ${o.lang}${o.followUp ? ', follow-up' : ''}] ${o.q}`);
      print(`  failed: ${failed}`);
      for (const c of o.calls) print(`  called ${c.name} ${JSON.stringify(c.args)}`);
      for (const n of o.notes) print(`  - ${n}`);
      print(`  answer: ${o.answer.replace(/\n+/g, ' ⏎ ').slice(0, 300)}`);
    }
  }
  const groups: [string, Outcome[]][] = [
    ['all', outcomes],
    ['English', outcomes.filter((o) => o.lang === 'en')],
    ['Chinese', outcomes.filter((o) => o.lang === 'zh')],
    ['follow-ups', outcomes.filter((o) => o.followUp)],
    ...(SETS.length > 1
      ? SETS.flatMap((set): [string, Outcome[]][] => {
          const os = outcomes.filter((o) => o.set === set);
          return [
            [`${set}`, os],
            [`${set} English`, os.filter((o) => o.lang === 'en')],
            [`${set} Chinese`, os.filter((o) => o.lang === 'zh')],
          ];
        })
      : []),
  ];
  const header = ['', 'questions', ...CRITERIA, 'fully right'];
  const rows = groups.map(([name, os]) => [name, String(os.length), ...CRITERIA.map((c) => pct(os.filter((o) => o.scores[c]).length, os.length)), pct(os.filter(fully).length, os.length)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  print('\n' + line(header));
  for (const r of rows) print(line(r));
  const rate = (os: Outcome[]) => (os.length ? os.filter(fully).length / os.length : 0);
  const ok = rate(outcomes) >= 0.9 && rate(groups[1]![1]) >= 0.85 && rate(groups[2]![1]) >= 0.85;
  print(`\n${outcomes.length} questions in ${conversationsCount()} conversations, ${((Date.now() - started) / 1000).toFixed(1)} s. Target (≥90% fully right, EN and ZH ≥85%): ${ok ? 'met' : 'NOT met'}`);
  return ok ? 0 : 1;
}

function allConversations(): { set: EvalSet; lang: Lang; turns: Conversation }[] {
  const pick = (set: EvalSet, en: Conversation[], zh: Conversation[]) =>
    SETS.includes(set) ? [...en.map((turns) => ({ set, lang: 'en' as const, turns })), ...zh.map((turns) => ({ set, lang: 'zh' as const, turns }))] : [];
  return [...pick('original', ENGLISH, CHINESE), ...pick('heldout', HELDOUT_ENGLISH, HELDOUT_CHINESE), ...pick('heldout2', HELDOUT2_ENGLISH, HELDOUT2_CHINESE), ...pick('heldout3', HELDOUT3_ENGLISH, HELDOUT3_CHINESE), ...pick('heldout4', HELDOUT4_ENGLISH, HELDOUT4_CHINESE), ...pick('heldout5', HELDOUT5_ENGLISH, HELDOUT5_CHINESE), ...pick('heldout6', HELDOUT6_ENGLISH, HELDOUT6_CHINESE), ...pick('heldout7', HELDOUT7_ENGLISH, HELDOUT7_CHINESE)];
}

function conversationsCount(): number {
  return allConversations().length;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(2);
  },
);
