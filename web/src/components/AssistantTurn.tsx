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

/**
 * The assistant's side of one run: thoughts above, then its parts in the
 * order the model wrote them — text and tool cards — streaming live. Re-renders
 * only when its run changes.
 */
export const AssistantTurn = memo(function AssistantTurn({
  turn,
  continuation = false,
  continued = false,
}: {
  turn: TurnView;
  /** This run continues the stopped answer just above (Continue after Stop). */
  continuation?: boolean;
  /** This stopped answer was continued by the run just below. */
  continued?: boolean;
}) {
  const running = turn.status === 'running';
  // Markdown re-parses a whole text part; let typing and scrolling win over a chunk's re-render. Not once the run
  // has ended: the final text shows in the same render as the turn's end (a deferred render could show a
  // completed turn without its last words).
  const deferred = useDeferredValue(turn.parts);
  const parts = running ? deferred : turn.parts;
  const present = parts.flatMap((p, i) => (p ? [{ part: p, index: i }] : []));
  const last = present.at(-1)?.part;
  const hasText = present.some((p) => p.part.kind === 'text');
  const hasTools = present.some((p) => p.part.kind === 'tool');
  const emails = useMemo(() => {
    const named = new Map<string, string>();
    for (const call of Object.values(turn.toolCalls)) if (call.result !== undefined) namedEmailsIn(call.result, named);
    return named;
  }, [turn.toolCalls]);
  return (
    <article
      className={`turn turn-${turn.status}${continuation ? ' turn-continuation' : ''}${continued ? ' turn-continued' : ''}`}
      aria-label={continuation ? 'Assistant, continued' : 'Assistant'}
      aria-busy={running}
      data-run-id={turn.runId}
      data-status={turn.status}
    >
      {continuation ? <p className="continuation-label">Continued after Stop</p> : null}
      <ThoughtTimeline thoughts={turn.thoughts} running={running} />
      {present.map(({ part, index }) => {
        if (part.kind === 'tool') {
          const call = turn.toolCalls[part.id];
          return call ? <ToolCallCard key={`tool:${part.id}`} call={call} /> : null;
        }
        const streaming = running && part === last;
        return (
          <div key={`text:${index}`} className={`answer${streaming ? ' answer-streaming' : ''}`} lang={langOf(part.text)}>
            <Markdown text={part.text} streaming={streaming} emails={emails} />
          </div>
        );
      })}
      {running && last?.kind !== 'text' ? (
        <p className="answer-pending">
          <span className="spinner" aria-hidden="true" /> {hasTools ? 'Working…' : 'Thinking…'}
        </p>
      ) : null}
      {turn.status === 'interrupted' ? (
        <p className="turn-status turn-status-interrupted" role="note">
          {continued ? 'Stopped, then continued below.' : `Stopped${hasText ? ' — the answer above is incomplete.' : ' before answering.'}`}
        </p>
      ) : null}
      {turn.status === 'failed' ? (
        <ErrorBanner error={turn.error ? fromErrorBody(turn.error) : { type: 'processing_error', message: 'The answer failed.' }} />
      ) : null}
      <TurnActions turn={turn} continued={continued} />
    </article>
  );
});
