import type { TurnView } from '../chat/types.ts';
import { formatDateTime, formatDuration, formatTime } from '../lib/format.ts';
import { selectStreaming } from '../stores/chatStore.ts';
import { useChat, useStores } from '../stores/context.tsx';
import { CopyButton } from './CopyButton.tsx';

/** Under a finished answer: when, how long it took, copy, regenerate, and continue after Stop. */
export function TurnActions({ turn, continued = false }: { turn: TurnView; continued?: boolean }) {
  const { chat } = useStores();
  const busy = useChat((s) => selectStreaming(s) !== null);
  if (turn.status === 'running') return null;
  const at = turn.startedAt ?? null;
  return (
    <div className="message-actions turn-actions">
      {at !== null ? (
        <time dateTime={new Date(at).toISOString()} title={formatDateTime(new Date(at).toISOString())}>
          {formatTime(at)}
        </time>
      ) : null}
      {turn.timings ? (
        <span className="turn-time" title="Total time of this answer, as the server measured it">
          {formatDuration(turn.timings.totalMs)}
        </span>
      ) : null}
      {turn.content ? <CopyButton text={turn.content} what="the answer" /> : null}
      <button
        type="button"
        className="action-button"
        disabled={busy}
        title={busy ? 'Wait for the answer being written, or stop it' : 'Ask again, as a new branch'}
        onClick={() => void chat.getState().regenerate(turn.runId)}
      >
        Regenerate
      </button>
      {turn.status === 'interrupted' && !continued ? (
        <button
          type="button"
          className="action-button"
          disabled={busy}
          title={busy ? 'Wait for the answer being written, or stop it' : 'The agent goes on from where it stopped'}
          onClick={() => void chat.getState().continueAnswer(turn.runId)}
        >
          Continue
        </button>
      ) : null}
    </div>
  );
}
