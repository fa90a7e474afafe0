import { useEffect, useState } from 'react';
import { langOf } from '../lib/format.ts';
import { useStores } from '../stores/context.tsx';

const EXAMPLES = [
  'Find the emails from Li Wei about the Q3 budget',
  "What was in yesterday's daily report?",
  '李伟关于预算的邮件',
  '上周有哪些需要回复的邮件？',
];

/** A new chat: what the assistant can do, and questions to start with. */
export function EmptyState({ onPick }: { onPick: (question: string) => void }) {
  const { api } = useStores();
  // Example questions about mail make no sense in an empty mailbox; null while unknown.
  const [emptyMailbox, setEmptyMailbox] = useState<boolean | null>(null);
  useEffect(() => {
    let current = true;
    api
      .mailboxIsEmpty()
      .then((empty) => current && setEmptyMailbox(empty))
      .catch(() => current && setEmptyMailbox(false));
    return () => {
      current = false;
    };
  }, [api]);
  if (emptyMailbox) {
    return (
      <div className="empty-state">
        <h2>Your mailbox is empty</h2>
        <p>
          The assistant answers from your emails and daily reports, and there are none yet. Add a mail account, or import
          mail with <code>npm run import -- &lt;file.mbox&gt; --user &lt;your email&gt;</code>; then ask about it here.
        </p>
      </div>
    );
  }
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
