/**
 * The run log stores every event before it is sent, as it was sent: what a
 * tab that reconnects (join_session after_seq) or another node reads back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLog, readRunEvents } from '../../server/cluster/runLog.ts';
import type { RunEvent } from '../../shared/protocol.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createSession, createUser, silentLog } from '../agent/support.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

function chunk(sessionId: string, runId: string, seq: number, delta: string): RunEvent {
  return {
    type: 'agent_response_chunk',
    payload: { message_id: 'm1', part: 0, delta, session_id: sessionId, run_id: runId, seq, timestamp: 1_700_000_000_000 + seq },
  } as RunEvent;
}

describe('the run log', () => {
  it('reads back every event as sent, whatever its text holds, in order; events of an unknown session are not kept', async () => {
    const user = await createUser(t.db);
    const session = await createSession(t.db, user.id);
    const runId = randomUUID();
    const deltas = ['plain ', 'say "hi" \\ then \\"', 'control \u0001 \u001f \n\t', '李伟 📬 ', '{"not":"json"}', ''];
    const log = new RunLog(t.db, silentLog);
    const sent: number[] = [];
    const events = deltas.map((d, i) => chunk(session.id, runId, i + 1, d));
    const orphan = chunk(randomUUID(), randomUUID(), 1, 'nobody');
    for (const e of [...events.slice(0, 2), orphan, ...events.slice(2)]) log.append(e, () => sent.push(e.payload.seq));
    await log.drained();

    expect(sent).toEqual([1, 2, 1, 3, 4, 5, 6]);
    expect(await readRunEvents(t.db, runId)).toEqual(events);
    expect(await readRunEvents(t.db, runId, 4)).toEqual(events.slice(4));
    expect(await readRunEvents(t.db, orphan.payload.run_id)).toEqual([]);
  });

  it("stores a NUL, which jsonb cannot hold, as U+FFFD, and never loses the other runs' events of the same write", async () => {
    const user = await createUser(t.db);
    const session = await createSession(t.db, user.id);
    const [a, b] = [randomUUID(), randomUUID()];
    const log = new RunLog(t.db, silentLog);
    const events = [chunk(session.id, a, 1, 'before '), chunk(session.id, b, 1, 'bad \u0000 byte'), chunk(session.id, a, 2, 'after'), chunk(session.id, b, 2, 'typed \\u0000')];
    for (const e of events) log.append(e, () => undefined);
    await log.drained();

    expect(await readRunEvents(t.db, a)).toEqual([events[0], events[2]]);
    const stored = await readRunEvents(t.db, b);
    expect(stored.map((e) => (e.payload as { delta: string }).delta)).toEqual(['bad \ufffd byte', 'typed \\u0000']);
  });
});
