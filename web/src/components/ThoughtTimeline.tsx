import { useId, useState } from 'react';
import type { ThoughtView } from '../chat/types.ts';
import { langOf } from '../lib/format.ts';

const KIND_LABELS = { reasoning: 'Reasoning', tool_selection: 'Tool choice', status: 'Status' } as const;

/** The agent's thoughts, open while it works and folded away once it has answered (unless the reader chose). */
export function ThoughtTimeline({ thoughts, running }: { thoughts: ThoughtView[]; running: boolean }) {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const listId = useId();
  if (thoughts.length === 0) return null;
  const open = chosen ?? running;
  return (
    <div className="thoughts">
      <button type="button" className="thoughts-toggle" aria-expanded={open} aria-controls={listId} onClick={() => setChosen(!open)}>
        <span className="chevron" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {running ? 'Thinking' : 'Thoughts'} ({thoughts.length})
      </button>
      {open ? (
        <ol id={listId} className="thought-list">
          {thoughts.map((t, i) => (
            <li key={i} className={`thought thought-${t.kind}`}>
              <span className="thought-kind">{KIND_LABELS[t.kind]}</span>
              <span className="thought-text" lang={langOf(t.content)}>
                {t.content}
              </span>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
