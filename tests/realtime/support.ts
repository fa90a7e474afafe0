/** Shared setup of the realtime tests: users with sessions, a scripted model keyed by the question, mail to search. */
import type { BaseMessage } from '@langchain/core/messages';
import { expect } from 'vitest';
import { RunEventSchemas, answerOfParts, type RunEvent, type RunEventType } from '../../shared/protocol.ts';
import { partsOfEvents } from '../../shared/runParts.ts';
import type { Db } from '../../server/data/prisma.ts';
import { insertEmails, type NewEmail } from '../../server/mail/emailStore.ts';
import { apiClient } from '../helpers/http.ts';
import { ScriptedChatModel, type ScriptedTurnSpec } from '../helpers/scriptedModel.ts';
import type { Received } from '../helpers/socket.ts';

export interface TestUser {
  id: string;
  email: string;
  token: string;
  sessions: string[];
}

export async function registerWithSessions(url: string, email: string, sessions = 1): Promise<TestUser> {
  const api = apiClient(url);
  const r = await api.register(email);
  const ids: string[] = [];
  for (let i = 0; i < sessions; i++) ids.push((await api.post('/api/sessions', { title: `Chat ${i + 1}` }, r.accessToken)).body.id);
  return { id: r.user.id, email, token: r.accessToken, sessions: ids };
}

export function lastUserText(messages: BaseMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.getType() === 'human') return typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
  }
  return '';
}

/** Whether the model is called back with tool results of the current question. */
export function afterTools(messages: BaseMessage[]): boolean {
  return messages.at(-1)?.getType() === 'tool';
}

/**
 * A scripted model that answers every call through `reply(question, messages)`,
 * so sessions running at the same time each get the turn meant for them
 * whatever order the calls arrive in.
 */
export function modelByQuestion(reply: (question: string, messages: BaseMessage[]) => ScriptedTurnSpec): ScriptedChatModel {
  return new ScriptedChatModel([], { whenExhausted: (messages) => reply(lastUserText(messages), messages) });
}

/** An answer that streams at once (its first line ends early) as `words` tokens. */
export function answer(words: number, prefix = 'Answer'): ScriptedTurnSpec {
  return { tokens: [`${prefix}:\n`, ...Array.from({ length: words }, (_, i) => `w${i} `)] };
}

export const LI_WEI_EMAILS: NewEmail[] = [
  {
    messageId: '<q3-budget-1@example.com>',
    threadId: 'thread-q3-budget',
    fromAddress: 'li.wei@example.com',
    fromName: 'Li Wei',
    to: ['me@example.com'],
    cc: [],
    subject: 'Q3 budget draft',
    bodyText: 'Hi, attached is the Q3 budget draft. Please review the travel line by Friday.',
    receivedAt: new Date('2026-11-18T09:30:00Z'),
    labels: ['inbox'],
  },
  {
    messageId: '<q3-budget-2@example.com>',
    threadId: 'thread-q3-budget',
    fromAddress: 'li.wei@example.com',
    fromName: 'Li Wei',
    to: ['me@example.com'],
    cc: ['finance@example.com'],
    subject: 'Re: Q3 budget draft',
    bodyText: 'Updated numbers: travel is down 10%.',
    receivedAt: new Date('2026-11-19T15:00:00Z'),
    labels: ['inbox'],
  },
  {
    messageId: '<lunch@example.com>',
    threadId: 'thread-lunch',
    fromAddress: 'sam@example.com',
    fromName: 'Sam Park',
    to: ['me@example.com'],
    cc: [],
    subject: 'Lunch on Thursday?',
    bodyText: 'Are you free for lunch?',
    receivedAt: new Date('2026-11-19T11:00:00Z'),
    labels: ['inbox'],
  },
];

export function seedMail(db: Db, userId: string, emails: NewEmail[] = LI_WEI_EMAILS) {
  return insertEmails(db, userId, emails);
}

/** Every event of a run matches its schema and seq runs 1..n in arrival order. */
export function expectWellFormed(events: Received[]) {
  events.forEach((e, i) => {
    const parsed = RunEventSchemas[e.type as RunEventType].safeParse(e.payload);
    expect(parsed.success, `${e.type} #${i + 1}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    expect(e.payload.seq, `${e.type} #${i + 1}`).toBe(i + 1);
  });
  expect(events[0]?.type).toBe('run_started');
  expect(events.at(-1)?.type).toBe('conversation_complete');
}

/** The answer as the chunks built it: the run's last part, when that is text. */
export function answerText(events: Received[]): string {
  return answerOfParts(partsOfEvents(events as RunEvent[]));
}
