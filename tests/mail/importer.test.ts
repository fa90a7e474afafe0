import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError, importMail } from '../../server/mail/importer.ts';
import { searchEmails } from '../../server/mail/search.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const EML_DIR = path.join(FIXTURES, 'eml');
const MBOX = path.join(FIXTURES, 'archive.mbox');
const OWNER = 'alice@example.com';

let t: TestDatabase;
let userId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await t.db.user.create({ data: { email: OWNER, name: 'Alice', passwordHash: 'x', timezone: 'Asia/Shanghai' } })).id;
});
afterAll(() => t.drop());

const byMessageId = (messageId: string) => t.db.email.findUniqueOrThrow({ where: { userId_messageId: { userId, messageId } } });

describe('importing .eml files', () => {
  it('imports every .eml under a directory, recursively', async () => {
    const s = await importMail(t.db, { path: EML_DIR, userEmail: OWNER });
    expect(s).toMatchObject({ parsed: 6, imported: 6, duplicates: 0, failed: 0, failures: [] });
    expect(await t.db.email.count({ where: { userId } })).toBe(6);
  });

  it('reads headers, addresses and a quoted-printable UTF-8 body', async () => {
    const e = await byMessageId('<budget-revised-001@northwind.example>');
    expect(e).toMatchObject({
      threadId: '<budget-revised-001@northwind.example>',
      inReplyTo: null,
      fromAddress: 'li.wei@northwind.example',
      fromName: 'Li Wei',
      to: ['alice@example.com'],
      cc: ['sarah.johnson@northwind.example', 'tom.wilson@northwind.example'],
      subject: 'Q3 budget: revised numbers',
      receivedAt: new Date('2026-03-10T01:15:00Z'),
      labels: ['inbox', 'imported'],
    });
    expect(e.bodyText).toContain('down 8% after the clean-up — thanks');
    expect(e.snippet).toMatch(/^Hi Alice, The revised Q3 budget/);
  });

  it('decodes a GB2312 encoded-word subject, a UTF-8 sender name and a GBK base64 body', async () => {
    const e = await byMessageId('<budget-gbk-002@northwind.example>');
    expect(e.subject).toBe('第三季度预算调整');
    expect(e.fromName).toBe('李伟');
    expect(e.bodyText).toContain('请在周三前确认外包合同是否续签');
    const found = await searchEmails(t.db, { userId, q: '预算', from: '李伟', limit: 10, offset: 0 });
    expect(found.items.map((i) => i.id)).toEqual([e.id]);
  });

  it('decodes ISO-8859-1 subjects, names and bodies', async () => {
    const e = await byMessageId('<zurich-003@partner.example>');
    expect(e).toMatchObject({ subject: 'Réunion à Zürich', fromName: 'Jürgen Müller', fromAddress: 'juergen@partner.example' });
    expect(e.bodyText).toContain('La réunion au café de Zürich est confirmée pour jeudi.');
  });

  it('turns an HTML-only mail into text', async () => {
    const e = await byMessageId('<weekly-004@techweekly.example>');
    expect(e.bodyText).toContain('Full-text search in Postgres for Chinese and Japanese.');
    expect(e.bodyText).toContain('Bigram indexing');
    expect(e.bodyText).not.toMatch(/<p>|<li>|color: red/);
  });

  it('threads a reply under its root, marks the owner’s mail as sent and ignores attachments', async () => {
    const e = await byMessageId('<reply-005@example.com>');
    expect(e).toMatchObject({
      threadId: '<budget-revised-001@northwind.example>',
      inReplyTo: '<budget-revised-001@northwind.example>',
      fromAddress: OWNER,
      labels: ['sent', 'imported'],
    });
    expect(e.bodyText).toBe('Confirmed, the contractor line stays as is. Signed sheet attached.\n\nAlice');
  });

  it('gives a mail without Message-ID a stable one derived from its content', async () => {
    const e = await t.db.email.findFirstOrThrow({ where: { userId, subject: 'Scan from the 3rd floor printer' } });
    expect(e.messageId).toMatch(/^<[0-9a-f]{32}@agentwire\.import>$/);
    expect(e.threadId).toBe(e.messageId);
  });
});

describe('importing an mbox file', () => {
  it('splits on From lines, unescapes >From, threads replies and falls back to the envelope date', async () => {
    const s = await importMail(t.db, { path: MBOX, userEmail: OWNER });
    expect(s).toMatchObject({ parsed: 3, imported: 3, duplicates: 0, failed: 0 });

    const first = await byMessageId('<mbox-1@partner.example>');
    expect(first.bodyText).toBe(
      'Hi Alice,\n\nCould you review the contract draft?\nFrom the legal side it looks fine.\n>From here on it is quoted twice.\n\nBob',
    );
    // In-Reply-To only: joins the parent's thread.
    const reply = await byMessageId('<mbox-2@example.com>');
    expect(reply).toMatchObject({ threadId: '<mbox-1@partner.example>', labels: ['sent', 'imported'] });
    expect(reply.bodyText).toBe('Reviewed, two comments inline.');
    // No Date header: "Sat Mar 14 18:45:00 +0100 2026" on the separator; References name the root.
    const third = await byMessageId('<mbox-3@northwind.example>');
    expect(third).toMatchObject({
      subject: 'Weekend 周末 plans',
      receivedAt: new Date('2026-03-14T17:45:00Z'),
      threadId: '<weekend-root@northwind.example>',
    });
  });

  it('streams large files correctly across read chunks, with CRLF line ends', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-mbox-'));
    try {
      const file = path.join(dir, 'big.mbox');
      const filler = 'Lorem ipsum dolor sit amet, 预算 consectetur adipiscing elit.\r\n'.repeat(40);
      const messages = Array.from({ length: 400 }, (_, i) =>
        `From sender@example.com Mon Mar 16 10:00:00 2026\r\nMessage-ID: <big-${i}@example.com>\r\nDate: Mon, 16 Mar 2026 10:00:00 +0000\r\nFrom: Sender <sender@example.com>\r\nSubject: Message ${i}\r\n\r\n>From line ${i}\r\n${filler}\r\n`,
      );
      await fs.writeFile(file, messages.join(''));
      expect((await fs.stat(file)).size).toBeGreaterThan(4 * 64 * 1024);
      // Another user, so this bulk mail stays out of Alice's mailbox and reports.
      const bulk = await t.db.user.create({ data: { email: 'bulk@example.com', name: 'Bulk', passwordHash: 'x' } });
      const s = await importMail(t.db, { path: file, userEmail: 'bulk@example.com', batchSize: 50 });
      expect(s).toMatchObject({ parsed: 400, imported: 400, failed: 0, reportDays: ['2026-03-16'] });
      const sample = await t.db.email.findUniqueOrThrow({
        where: { userId_messageId: { userId: bulk.id, messageId: '<big-237@example.com>' } },
      });
      expect(sample.subject).toBe('Message 237');
      expect(sample.bodyText.startsWith('From line 237\n')).toBe(true);
      expect(sample.bodyText.endsWith('adipiscing elit.')).toBe(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('re-importing and reports', () => {
  it('adds nothing the second time', async () => {
    const before = await t.db.email.count({ where: { userId } });
    expect(await importMail(t.db, { path: EML_DIR, userEmail: OWNER })).toMatchObject({ parsed: 6, imported: 0, duplicates: 6 });
    expect(await importMail(t.db, { path: MBOX, userEmail: OWNER })).toMatchObject({ parsed: 3, imported: 0, duplicates: 3 });
    expect(await t.db.email.count({ where: { userId } })).toBe(before);
  });

  it('has built the report of every day that received mail, in the user’s time zone', async () => {
    const reports = await t.db.dailyReport.findMany({ where: { userId }, orderBy: { date: 'asc' } });
    const byDay = Object.fromEntries(
      reports.map((r) => [r.date.toISOString().slice(0, 10), (r.statistics as { total: number }).total]),
    );
    expect(byDay).toMatchObject({
      '2026-03-09': 1,
      '2026-03-10': 2,
      // 10:30 +08:00 and 16:00 +01:00 (23:00 in Shanghai) are both Wednesday the 11th for Alice.
      '2026-03-11': 2,
      '2026-03-12': 1,
      '2026-03-13': 2,
      // 17:45 UTC on the 14th is 01:45 on the 15th in Shanghai.
      '2026-03-15': 1,
    });
    expect(byDay['2026-03-14']).toBeUndefined();
    const thursday = reports.find((r) => r.date.toISOString().startsWith('2026-03-13'))!;
    // Bob asked; Alice answered the same day: nothing waits.
    expect(thursday.statistics).toMatchObject({ total: 2, threads: 1, needsReply: [] });
  });
});

describe('what cannot be imported', () => {
  it('skips and counts files that are not email or cannot be read, and imports the rest', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-import-'));
    try {
      await fs.copyFile(path.join(FIXTURES, 'broken', 'not-an-email.eml'), path.join(dir, 'a-notes.eml'));
      await fs.copyFile(path.join(FIXTURES, 'broken', 'empty.eml'), path.join(dir, 'b-empty.eml'));
      await fs.symlink(path.join(dir, 'missing-target.eml'), path.join(dir, 'c-dangling.eml'));
      await fs.writeFile(path.join(dir, 'd-ok.eml'), 'Message-ID: <ok-1@example.com>\nFrom: ok@example.com\nSubject: fine\n\nbody\n');
      await fs.writeFile(path.join(dir, 'ignored.txt'), 'not an .eml file');
      const s = await importMail(t.db, { path: dir, userEmail: OWNER });
      expect(s).toMatchObject({ parsed: 1, imported: 1, duplicates: 0, failed: 3 });
      expect(s.failures).toEqual([
        { source: path.join(dir, 'a-notes.eml'), reason: 'not an email (no From, Date or Message-ID header)' },
        { source: path.join(dir, 'b-empty.eml'), reason: 'not an email (no From, Date or Message-ID header)' },
        { source: path.join(dir, 'c-dangling.eml'), reason: 'cannot read: ENOENT' },
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown user or a missing path with a clear error', async () => {
    await expect(importMail(t.db, { path: EML_DIR, userEmail: 'nobody@example.com' })).rejects.toThrow(
      new ImportError('No user with the email nobody@example.com; register first or pass --user with an existing account'),
    );
    await expect(importMail(t.db, { path: '/no/such/place.mbox', userEmail: OWNER })).rejects.toThrow(
      new ImportError('No such file or directory: /no/such/place.mbox'),
    );
  });
});

describe('npm run import', () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/cli/import.ts', ...args], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'silent' },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );

  it('prints a summary line, and fails clearly for bad arguments', { timeout: 90_000 }, async () => {
    const [again, broken, unknown, usage] = await Promise.all([
      run([EML_DIR, '--user', OWNER]),
      run([path.join(FIXTURES, 'broken'), '--user', OWNER]),
      run([EML_DIR, '--user', 'nobody@example.com']),
      run([EML_DIR]),
    ]);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toBe(
      `Imported 0 new emails for ${OWNER} (6 duplicates skipped, 0 failed); rebuilt 4 daily reports (2026-03-09 … 2026-03-12).\n`,
    );

    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe(`Imported 0 new emails for ${OWNER} (0 duplicates skipped, 2 failed).\n`);
    expect(broken.stderr).toContain('empty.eml: not an email');

    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^No user with the email nobody@example.com/);

    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('Usage: npm run import -- <file.eml | directory | file.mbox> --user <email>');
  });
});
