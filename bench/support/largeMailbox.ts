/**
 * A generated mailbox of any size for benchmarks: English and Chinese mail
 * from hundreds of senders at dozens of companies, in threads of 1–8
 * messages, spread over three years, stored through insertEmails (so the
 * search index, contacts and vocabulary are built exactly as for real mail).
 */
import type { Db } from '../../server/data/prisma.ts';
import { insertEmails, type NewEmail } from '../../server/mail/emailStore.ts';

/** A small deterministic PRNG (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN_FIRST = ['Li', 'Anna', 'Bob', 'Carlos', 'Diana', 'Erik', 'Fatima', 'George', 'Hana', 'Ivan', 'Julia', 'Kenji', 'Laura', 'Mohammed', 'Nina', 'Oscar', 'Priya', 'Quinn', 'Rosa', 'Sam'];
const EN_LAST = ['Wei', 'Schmidt', 'Jones', 'Garcia', 'Prince', 'Larsen', 'Khan', 'Miller', 'Sato', 'Petrov', 'Rossi', 'Tanaka', 'Brown', 'Ali', 'Novak', 'Silva', 'Patel', 'Reed', 'Costa', 'Lee'];
const ZH_NAMES = ['李伟', '王芳', '张敏', '刘洋', '陈静', '杨磊', '赵强', '黄丽', '周杰', '吴婷', '徐涛', '孙悦', '马超', '朱琳', '胡斌', '郭敏', '何平', '高远', '林峰', '罗静'];
const COMPANIES = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell', 'cyberdyne', 'soylent', 'huawei-partner', 'alibaba-vendor', 'tencent-ads', 'bytedance-hr', 'jd-logistics'];
const EN_TOPICS = [
  ['Q3 budget review', 'budget', 'forecast', 'spending'],
  ['Release 4.2 planning', 'release', 'milestone', 'regression'],
  ['Security questionnaire', 'security', 'audit', 'compliance'],
  ['Invoice overdue', 'invoice', 'payment', 'finance'],
  ['Customer escalation', 'customer', 'outage', 'incident'],
  ['Hiring: senior engineer', 'candidate', 'interview', 'offer'],
  ['Office move', 'office', 'lease', 'facilities'],
  ['Marketing campaign', 'campaign', 'launch', 'newsletter'],
  ['Contract renewal', 'contract', 'renewal', 'legal'],
  ['Shipment delayed', 'shipment', 'supplier', 'logistics'],
];
const ZH_TOPICS = [
  ['第三季度预算审核', '预算', '报销', '财务'],
  ['版本发布计划', '发布', '测试', '回归'],
  ['安全问卷', '安全', '审计', '合规'],
  ['发票逾期', '发票', '付款', '账单'],
  ['客户投诉升级', '客户', '故障', '白屏'],
  ['招聘高级工程师', '候选人', '面试', '录用'],
  ['办公室搬迁', '办公室', '租约', '行政'],
  ['市场推广活动', '推广', '上线', '活动'],
  ['合同续签', '合同', '续签', '法务'],
  ['供应商发货延迟', '发货', '供应商', '物流'],
];
const EN_SENTENCES = [
  'Please review the attached {w} numbers by Friday.',
  'Can you confirm the {w} before the meeting on Tuesday?',
  'Quick update on the {w}: we are on track.',
  'The {w} needs your sign-off, otherwise we slip a week.',
  'FYI, the {w} was discussed with finance today.',
  'Let me know if the {w} works for you.',
];
const ZH_SENTENCES = ['请在周五前审核{w}的数字。', '会议前能否确认一下{w}？', '关于{w}的进展：一切顺利。', '{w}需要你签字，否则要推迟一周。', '今天和财务讨论了{w}。'];

export interface Sender {
  name: string;
  address: string;
  chinese: boolean;
}

export function senders(count: number, seed = 7): Sender[] {
  const rnd = random(seed);
  const out: Sender[] = [];
  for (let i = 0; i < count; i++) {
    const company = COMPANIES[i % COMPANIES.length]!;
    const chinese = i % 3 === 0;
    const name = chinese ? ZH_NAMES[i % ZH_NAMES.length]! + (i >= 60 ? String.fromCharCode(0x4e00 + Math.floor(rnd() * 500)) : '') : `${EN_FIRST[i % 20]} ${EN_LAST[Math.floor(i / 20) % 20]}`;
    out.push({ name, address: `${chinese ? 'cn' : ''}user${i}@${company}.example.com`, chinese });
  }
  return out;
}

/** Stores `count` generated emails for the user, newest at `newest`; returns the sender list used. */
export async function generateMailbox(db: Db, userId: string, count: number, opts: { newest: Date; seed?: number; onProgress?: (n: number) => void }): Promise<Sender[]> {
  const rnd = random(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const people = senders(400);
  const span = 3 * 365 * 86_400_000;
  let batch: NewEmail[] = [];
  let n = 0;
  let thread = 0;
  while (n < count) {
    const from = pick(people);
    const chinese = from.chinese ? rnd() < 0.85 : rnd() < 0.15;
    const topic = pick(chinese ? ZH_TOPICS : EN_TOPICS);
    const threadId = `<t${thread++}@bench.example.com>`;
    const length = 1 + Math.floor(rnd() * 8);
    let at = opts.newest.getTime() - rnd() * span;
    for (let k = 0; k < length && n < count; k++, n++) {
      const word = pick(topic.slice(1));
      const body = Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => pick(chinese ? ZH_SENTENCES : EN_SENTENCES).replace('{w}', word)).join(chinese ? '' : ' ');
      batch.push({
        messageId: `<m${n}@bench.example.com>`,
        threadId,
        inReplyTo: k === 0 ? null : `<m${n - 1}@bench.example.com>`,
        fromAddress: from.address,
        fromName: from.name,
        to: ['me@example.com'],
        cc: [],
        subject: (k === 0 ? '' : chinese ? '回复：' : 'Re: ') + topic[0],
        bodyText: body,
        receivedAt: new Date(Math.min(at, opts.newest.getTime())),
        labels: [pick(['inbox', 'inbox', 'inbox', 'finance', 'customer', 'newsletter'])],
      });
      at += rnd() * 2 * 86_400_000;
      if (batch.length === 1000) {
        await insertEmails(db, userId, batch);
        batch = [];
        opts.onProgress?.(n + 1);
      }
    }
  }
  if (batch.length) await insertEmails(db, userId, batch);
  return people;
}
