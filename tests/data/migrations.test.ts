import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../server/data/migrate.ts';
import { createLogger } from '../../server/logger.ts';
import { createBlankDatabase } from '../helpers/database.ts';

const log = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function blank() {
  const d = await createBlankDatabase();
  cleanups.push(d.drop);
  return d.url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/**
 * A database migrated up to (not including) the migration whose name ends with `suffix`, holding one user, one
 * session and one completed run, for a migration's test to put the old rows in.
 */
async function databaseBefore(suffix: string) {
  const url = await blank();
  const all = await readMigrations();
  const cut = all.findIndex((m) => m.name.endsWith(suffix));
  expect(cut).toBeGreaterThan(0);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-mig-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  for (const m of all.slice(0, cut)) {
    await fs.mkdir(path.join(dir, m.name));
    await fs.writeFile(path.join(dir, m.name, 'migration.sql'), m.sql);
  }
  await migrate(url, log, dir);
  const [user, session, run] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
  await query(url, `INSERT INTO users (id, email, name, password_hash, updated_at) VALUES ($1, 'a@example.test', 'A', 'x', now())`, [user]);
  await query(url, `INSERT INTO chat_sessions (id, user_id, updated_at) VALUES ($1, $2, now())`, [session, user]);
  await query(url, `INSERT INTO runs (id, session_id, user_id, status) VALUES ($1, $2, $3, 'completed')`, [run, session, user]);
  return { url, user, session, run };
}

describe('migrations', () => {
  it('applies every migration once and records it as Prisma Migrate does', async () => {
    const url = await blank();
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);

    const first = await migrate(url, log);
    expect(first.applied).toEqual(files.map((f) => f.name));

    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null; id: string }>(
      url,
      'SELECT * FROM _prisma_migrations ORDER BY started_at',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const sql = await fs.readFile(path.join(MIGRATIONS_DIR, files[i]!.name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }

    const second = await migrate(url, log);
    expect(second).toEqual({ applied: [], alreadyApplied: files.length });
  });

  it('applies each migration once when several processes start together', async () => {
    const url = await blank();
    const results = await Promise.all([migrate(url, log), migrate(url, log), migrate(url, log)]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    const total = (await readMigrations()).length;
    expect(appliedCounts).toEqual([0, 0, total]);
    const rows = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM _prisma_migrations');
    expect(Number(rows[0]!.n)).toBe(total);
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    const url = await blank();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-mig-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    await fs.mkdir(path.join(dir, '001_good'));
    await fs.writeFile(path.join(dir, '001_good', 'migration.sql'), 'CREATE TABLE good (id int);');
    await fs.mkdir(path.join(dir, '002_bad'));
    await fs.writeFile(
      path.join(dir, '002_bad', 'migration.sql'),
      'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;',
    );

    await expect(migrate(url, log, dir)).rejects.toThrow(/002_bad failed and was rolled back/);
    const names = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations');
    expect(names.map((r) => r.migration_name)).toEqual(['001_good']);
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('good', 'half_done')",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['good']);
  });

  it('refuses to start over a migration Prisma recorded as failed', async () => {
    const url = await blank();
    await migrate(url, log);
    await query(url, "UPDATE _prisma_migrations SET finished_at = NULL");
    await expect(migrate(url, log)).rejects.toThrow(/recorded as failed/);
  });

  it('gives stored assistant turns their parts in the order they were written, and tool choices from the calls', async () => {
    // The database as it was before message parts: every migration up to the one that adds them.
    const { url, user: u, session: s, run: r } = await databaseBefore('_message_parts');
    const insert = (id: string, position: number, role: string, content: string, toolCalls: unknown, metadata: unknown) =>
      query(
        url,
        `INSERT INTO conversation_messages (id, session_id, run_id, role, content, tool_calls, metadata, position, tool_call_id, tool_name)
         VALUES ($1, $2, $3, $4::message_role, $5, $6::jsonb, $7::jsonb, $8, $9, $10)`,
        [id, s, r, role, content, toolCalls === undefined ? null : JSON.stringify(toolCalls), metadata === undefined ? null : JSON.stringify(metadata), position, role === 'tool' ? 'call_1' : null, role === 'tool' ? 'search_emails' : null],
      );
    const id = (n: number) => `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;
    await insert(id(1), 1, 'user', 'mail from Li Wei?', undefined, undefined);
    await insert(id(2), 2, 'assistant', 'Let me search.', [{ id: 'call_1', name: 'search_emails', args: { sender: 'Li Wei' } }], { step: 0, kind: 'tool_calls' });
    await insert(id(3), 3, 'tool', '{"total":1}', undefined, { duration_ms: 4 });
    await insert(id(4), 4, 'assistant', 'One email.', undefined, {
      thoughts: [
        { step: 0, kind: 'status', content: 'Reading the conversation (1 message)' },
        { step: 0, kind: 'tool_selection', content: 'Let me search.', tool_name: 'search_emails' },
      ],
    });
    await insert(id(5), 5, 'assistant', '', 'null', undefined);

    await migrate(url, log);
    const rows = await query<{ role: string; parts: unknown; metadata: unknown }>(url, 'SELECT role, parts, metadata FROM conversation_messages ORDER BY position');
    expect(rows.map((row) => row.parts)).toEqual([
      null,
      [
        { type: 'text', text: 'Let me search.' },
        { type: 'tool_call', tool_call_id: 'call_1', tool_name: 'search_emails' },
      ],
      null,
      [{ type: 'text', text: 'One email.' }],
      [],
    ]);
    expect((rows[3]!.metadata as { thoughts: unknown[] }).thoughts).toEqual([
      { step: 0, kind: 'status', content: 'Reading the conversation (1 message)' },
      { step: 0, kind: 'tool_selection', content: 'search_emails', tool_name: 'search_emails' },
    ]);
  });

  it('turns stored Continue-after-Stop messages (recognised by their text before the flag) into flagged messages without text', async () => {
    const { url, user: u, session: s, run: r } = await databaseBefore('_continue_run_flag');
    const oldPrompt = 'Continue your previous answer from exactly where it stopped. Do not repeat what you already wrote.';
    const rows: Array<[number, string, string]> = [
      [1, 'user', 'Write a long summary'],
      [2, 'assistant', oldPrompt], // an answer quoting the text is not a request
      [3, 'user', oldPrompt],
      [4, 'user', `Why did you say "${oldPrompt}"?`],
    ];
    for (const [position, role, content] of rows) {
      await query(url, `INSERT INTO conversation_messages (id, session_id, run_id, role, content, position) VALUES (gen_random_uuid(), $1, $2, $3::message_role, $4, $5)`, [s, r, role, content, position]);
    }

    await migrate(url, log);
    const after = await query<{ content: string; continue_run: boolean }>(url, 'SELECT content, continue_run FROM conversation_messages ORDER BY position');
    expect(after.map((row) => [row.content, row.continue_run])).toEqual([
      ['Write a long summary', false],
      [oldPrompt, false],
      ['', true],
      [`Why did you say "${oldPrompt}"?`, false],
    ]);
  });
});
