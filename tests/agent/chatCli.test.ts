/**
 * `npm run chat` as a user runs it, in two separate processes on one
 * session: the second question ("open the second one") is resolved from what
 * the first process stored, i.e. context survives a restart.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEventSchemas, type RunEvent, type RunEventPayloads } from '../../shared/protocol.ts';
import { createDemoDatabase, type DemoDatabase } from '../helpers/demo.ts';
import { createSession } from './support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
let t: DemoDatabase;

async function chat(args: string[]): Promise<RunEvent[]> {
  const { stdout } = await promisify(execFile)(TSX, ['server/cli/chat.ts', '--json', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: t.url, LOG_LEVEL: 'silent', NODE_ENV: 'test', LLM_PROVIDER: 'local' },
    timeout: 60_000,
  });
  const events = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent);
  for (const e of events) expect(RunEventSchemas[e.type].safeParse(e.payload).success).toBe(true);
  return events;
}

const payloads = <K extends RunEvent['type']>(events: RunEvent[], type: K) =>
  events.filter((e) => e.type === type).map((e) => e.payload as RunEventPayloads[K]);

beforeAll(async () => {
  t = await createDemoDatabase();
});

afterAll(async () => {
  await t?.drop();
});

describe('npm run chat', () => {
  it('answers in one process and resolves "open the second one" in the next', { timeout: 120_000 }, async () => {
    const session = await createSession(t.db, t.userId);
    const first = await chat(['--session', session.id, 'emails from Li Wei']);
    expect(payloads(first, 'tool_call_start')[0]).toMatchObject({ tool_name: 'search_emails', tool_args: { sender: 'Li Wei' } });
    const listed = payloads(first, 'tool_call_result')[0]!.tool_result as { emails: { id: string; subject: string }[] };
    expect(listed.emails.length).toBeGreaterThan(1);
    expect(payloads(first, 'conversation_complete')[0]!.status).toBe('completed');

    const second = await chat(['--session', session.id, 'open the second one']);
    expect(payloads(second, 'tool_call_start')[0]).toMatchObject({ tool_name: 'read_email', tool_args: { id: listed.emails[1]!.id } });
    expect(payloads(second, 'conversation_complete')[0]!.content).toContain(`**${listed.emails[1]!.subject}**`);
  });

});
