import { langOf } from '../lib/format.ts';

const EXAMPLES = [
  'Find the emails from Li Wei about the Q3 budget',
  "What was in yesterday's daily report?",
  '李伟关于预算的邮件',
  '上周有哪些需要回复的邮件？',
];

/** A new chat: what the assistant can do, and questions to start with. */
export function EmptyState({ onPick }: { onPick: (question: string) => void }) {
  return (
    <div className="empty-state">
      <h2>Ask about your mailbox</h2>
      <p>
        The assistant searches your emails and reads your daily reports, in English or Chinese. You see what it is
        thinking and every tool it uses.
      </p>
      <ul className="examples" aria-label="Example questions">
        {EXAMPLES.map((q) => (
          <li key={q}>
            <button type="button" className="example" onClick={() => onPick(q)} lang={langOf(q)}>
              {q}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
