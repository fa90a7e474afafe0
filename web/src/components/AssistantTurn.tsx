import { memo, useDeferredValue, useMemo } from 'react';
import { namedEmailsIn } from '../chat/toolResults.ts';
import type { TurnView } from '../chat/types.ts';
import { fromErrorBody } from '../lib/errors.ts';
import { langOf } from '../lib/format.ts';
import { ErrorBanner } from './ErrorBanner.tsx';
import { LazyMarkdown as Markdown } from './LazyMarkdown.tsx';
import { ThoughtTimeline } from './ThoughtTimeline.tsx';
import { ToolCallCard } from './ToolCallCard.tsx';
import { TurnActions } from './TurnActions.tsx';

/** The assistant's side of one run: thoughts above, tool cards, then the streamed answer. Re-renders only when its run changes. */
export const AssistantTurn = memo(function AssistantTurn({ turn }: { turn: TurnView }) {
  const running = turn.status === 'running';
  // Markdown re-parses the whole answer; let typing and scrolling win over a chunk's re-render.
  const content = useDeferredValue(turn.content);
  const emails = useMemo(() => {
    const named = new Map<string, string>();
    for (const call of Object.values(turn.toolCalls)) if (call.result !== undefined) namedEmailsIn(call.result, named);
    return named;
  }, [turn.toolCalls]);
  return (
 <article className={`turn turn-${turn.status}`} aria-label="Assistant" aria-busy={running} data-run-id={turn.runId} data-status={turn.status}>
      <ThoughtTimeline thoughts={turn.thoughts} running={running} />
      {turn.toolOrder.map((id) => (
        <ToolCallCard key={id} call={turn.toolCalls[id]!} />
      ))}
      {content ? (
        <div className={`answer${running ? ' answer-streaming' : ''}`} lang={langOf(content)}>
          <Markdown text={content} streaming={running} emails={emails} />
        </div>
      ) : running ? (
        <p className="answer-pending">
          <span className="spinner" aria-hidden="true" /> {turn.toolOrder.length ? 'Working…' : 'Thinking…'}
        </p>
      ) : null}
      {turn.status === 'interrupted' ? (
        <p className="turn-status turn-status-interrupted" role="note">
          Stopped{content ? ' — the answer above is incomplete.' : ' before answering.'}
        </p>
      ) : null}
      {turn.status === 'failed' ? (
        <ErrorBanner error={turn.error ? fromErrorBody(turn.error) : { type: 'processing_error', message: 'The answer failed.' }} />
      ) : null}
      <TurnActions turn={turn} />
    </article>
  );
});
