/**
 * A scripted model that answers like a mail assistant, chosen by the words of
 * the question: it calls the real tools against the demo mailbox and answers
 * from what they returned. Deterministic and fast; the built-in local model
 * has its own test (localModel.e2e.test.ts).
 */
import type { BaseMessage } from '@langchain/core/messages';
import { CONTINUE_INSTRUCTION } from '../../../server/agent/history.ts';
import { ScriptedChatModel, toolResultsSince, type ScriptedTurnSpec } from '../../helpers/scriptedModel.ts';

export const LONG_ANSWER_QUESTION = 'Write a long summary of everything about the budget';
export const SLOW_ANSWER_QUESTION = 'Summarise this week slowly';
/** After a search: reads the second email found (the read_email card shows the whole email). */
export const OPEN_SECOND_QUESTION = 'open the second one';
/** Thirty daily reports in one card (issue 13: a 3,841 px card). */
export const REPORTS_30_DAYS_QUESTION = 'Show the daily reports of the last 30 days';
/** One paragraph mixing Chinese and English. */
export const MIXED_LANGUAGE_QUESTION = 'Answer in Chinese and English at once';
export const MIXED_LANGUAGE_ANSWER = '我们下周一讨论 Quarterly budget review and travel policy 的细节，请提前准备材料。';
export const SLOW_ANSWER =
  'This week in short:\n\n' +
  Array.from({ length: 12 }, (_, i) => `${i + 1}. Item number ${i + 1} of the weekly summary, with a few words to stream.`).join('\n');

const usage = { input_tokens: 120, output_tokens: 48 };

function lastQuestion(messages: BaseMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.getType() === 'human') return String(messages[i]!.content);
  }
  return '';
}

type Found = { total: number; emails: Array<{ id: string; from: string; date: string; subject: string }> };

function searchResult(messages: BaseMessage[]): Found | null {
  const result = toolResultsSince(messages).find((m) => m.name === 'search_emails');
  if (!result) return null;
  try {
    return JSON.parse(String(result.content)) as Found;
  } catch {
    return null;
  }
}

function searchThenAnswer(
  messages: BaseMessage[],
  call: Record<string, unknown>,
  intro: string,
  answer: (found: Found) => string,
): ScriptedTurnSpec {
  const found = searchResult(messages);
  if (!found) {
    return {
      reasoning: 'The question names a sender and a topic, so a mail search fits.\n',
      text: intro,
      toolCalls: [{ name: 'search_emails', args: call }],
      usage: { input_tokens: 80, output_tokens: 20 },
    };
  }
  return { text: answer(found), usage, tokenDelayMs: 15 };
}

function route(messages: BaseMessage[]): ScriptedTurnSpec {
  const q = lastQuestion(messages);
  if (q === CONTINUE_INSTRUCTION) {
    // Goes on from the stopped answer the model sees just above, naming its last word: proof it was in the context.
    const stopped = messages.slice(0, -1).reverse().find((m) => m.getType() === 'ai' && String(m.content).trim() !== '');
    const lastWord = String(stopped?.content ?? '').trim().split(/\s+/).at(-1) ?? '(nothing)';
    return { text: `continuing after ${lastWord}: and that is the rest of the summary.`, usage, tokenDelayMs: 15 };
  }
  if (q === OPEN_SECOND_QUESTION) {
    const read = toolResultsSince(messages).find((m) => m.name === 'read_email');
    if (read) return { text: 'That is the second email, shown in the card above.', usage, tokenDelayMs: 15 };
    // The latest search of the conversation, whichever question it answered.
    const search = [...messages].reverse().find((m) => m.getType() === 'tool' && (m as { name?: string }).name === 'search_emails');
    const found = search ? (JSON.parse(String(search.content)) as Found) : null;
    const second = found?.emails[1];
    if (!second) return { text: 'There is no second email to open.', usage };
    return { text: 'Opening the second email.', toolCalls: [{ name: 'read_email', args: { id: second.id } }], usage: { input_tokens: 80, output_tokens: 20 } };
  }
  if (q === REPORTS_30_DAYS_QUESTION) {
    if (toolResultsSince(messages).some((m) => m.name === 'list_daily_reports')) return { text: 'Those are the reports of the last 30 days.', usage, tokenDelayMs: 15 };
    return { text: 'Listing the reports.', toolCalls: [{ name: 'list_daily_reports', args: { from: '2026-10-22', to: '2026-11-20' } }], usage: { input_tokens: 80, output_tokens: 20 } };
  }
  if (q === MIXED_LANGUAGE_QUESTION) return { text: MIXED_LANGUAGE_ANSWER, usage, tokenDelayMs: 15 };
  if (q === LONG_ANSWER_QUESTION) {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    return { text: `Here is a long summary:\n${words}`, tokenDelayMs: 40, hang: true };
  }
  if (q === SLOW_ANSWER_QUESTION) return { text: SLOW_ANSWER, tokenDelayMs: 25, usage };
  if (q.includes('李伟')) {
    return searchThenAnswer(messages, { sender: '李伟', query: '预算', limit: 5 }, '我来搜索李伟关于预算的邮件。', (f) =>
      [`找到 **${f.total}** 封李伟关于预算的邮件，最近的几封是：`, '', ...f.emails.map((e) => `- **${e.subject}**（${e.date}）`)].join('\n'),
    );
  }
  if (/li wei/i.test(q)) {
    return searchThenAnswer(messages, { sender: 'Li Wei', query: 'Q3 budget', limit: 5 }, 'Searching the mailbox for Li Wei and the Q3 budget.', (f) =>
      [
        `I found **${f.total}** emails from Li Wei about the Q3 budget. The most recent:`,
        '',
        ...f.emails.map((e) => `- **${e.subject}** — ${e.date}`),
        '',
        'Open any of them from the search card above.',
      ].join('\n'),
    );
  }
  return { text: 'I can search your emails and read your daily reports. Ask me about a sender, a topic or a day.', usage };
}

export function mailModel(): ScriptedChatModel {
  return new ScriptedChatModel([], { whenExhausted: route });
}
