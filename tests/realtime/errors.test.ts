import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, sendMessage } from '../helpers/socket.ts';
import { answer, expectWellFormed, modelByQuestion, registerWithSessions, type TestUser } from './support.ts';

const model = modelByQuestion((question) => {
  if (question.startsWith('break')) return { tokens: ['Partial:\n', 'one ', 'two '], failAfterTokens: 2 };
  if (question.startsWith('slow')) return { ...answer(30), tokenDelayMs: 15 };
  return answer(3);
});

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function setup(env: Record<string, string>, email: string): Promise<{ srv: TestServer; user: TestUser }> {
  const srv = await startTestServer(t.db, { chatModel: model, env });
  return { srv, user: await registerWithSessions(srv.url, email, 3) };
}

describe('error details', () => {
  it('are left out unless NODE_ENV=development; agent_debug is not sent either', async () => {
    const { srv, user } = await setup({ NODE_ENV: 'production' }, 'prod@example.com');
    try {
      const socket = await connectUser(srv.url, user.token);
      const log = new EventLog(socket);
      const invalid = await sendMessage(socket, { session_id: user.sessions[0]!, content: '' });
      expect(invalid).toEqual({ ok: false, error: { type: 'validation_error', message: expect.any(String) } });
      const ack = await sendMessage(socket, { session_id: user.sessions[0]!, content: 'break it' });
      if (!ack.ok) throw new Error('not acknowledged');
      await log.completed(ack.run_id);
      const error = log.ofRun(ack.run_id).find((e) => e.type === 'error')!;
      expect(error.payload).not.toHaveProperty('details');
      expect(JSON.stringify(log.events)).not.toMatch(/Scripted model failure|stack/);
      expect(log.events.filter((e) => e.type === 'agent_debug')).toEqual([]);
      socket.disconnect();
    } finally {
      await srv.close();
    }
  });

  it('are included in development, with agent_debug events in the run stream', async () => {
    const { srv, user } = await setup({ NODE_ENV: 'development' }, 'dev@example.com');
    try {
      const socket = await connectUser(srv.url, user.token);
      const log = new EventLog(socket);
      const invalid = await sendMessage(socket, { session_id: user.sessions[0]!, content: '' });
      expect(invalid).toMatchObject({ ok: false, error: { type: 'validation_error', details: expect.any(Array) } });
      const ack = await sendMessage(socket, { session_id: user.sessions[0]!, content: 'break it' });
      if (!ack.ok) throw new Error('not acknowledged');
      await log.completed(ack.run_id);
      const events = log.ofRun(ack.run_id);
      expectWellFormed(events);
      expect(events.find((e) => e.type === 'error')!.payload.details).toMatchObject({ message: 'Scripted model failure' });
      expect(events.filter((e) => e.type === 'agent_debug').length).toBeGreaterThan(0);
      socket.disconnect();
    } finally {
      await srv.close();
    }
  });
});

describe('a database failure inside one run', () => {
  it('ends that run with error and conversation_complete failed; other sessions and the process carry on', async () => {
    const { srv, user } = await setup({}, 'dbfail@example.com');
    try {
      const socket = await connectUser(srv.url, user.token);
      const log = new EventLog(socket);
      const doomedSession = user.sessions[0]!;
      const doomed = await sendMessage(socket, { session_id: doomedSession, content: 'slow and doomed' });
      const healthy = await sendMessage(socket, { session_id: user.sessions[1]!, content: 'slow and healthy' });
      if (!doomed.ok || !healthy.ok) throw new Error('not acknowledged');
      await log.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === doomed.run_id);
      // The rows vanish under the running run (as if another process deleted them): its writes now fail.
      await t.db.chatSession.delete({ where: { id: doomedSession } });

      const end = await log.completed(doomed.run_id);
      expect(end.payload.status).toBe('failed');
      const events = log.ofRun(doomed.run_id);
      expectWellFormed(events);
      expect(events.at(-2)!.payload).toMatchObject({ type: 'processing_error', message: expect.any(String) });

      expect((await log.completed(healthy.run_id)).payload.status).toBe('completed');
      expectWellFormed(log.ofRun(healthy.run_id));
      const after = await sendMessage(socket, { session_id: user.sessions[2]!, content: 'still there?' });
      if (!after.ok) throw new Error('not acknowledged');
      expect((await log.completed(after.run_id)).payload.status).toBe('completed');
      socket.disconnect();
    } finally {
      await srv.close();
    }
  });
});
