/**
 * For developers: every raw event with its seq and timing, the agent's graph
 * node transitions (agent_debug), first-chunk and total times as the server
 * measured them and as this tab saw them, and token usage. Loaded on demand.
 */
import { useState } from 'react';
import type { SessionChat, TurnView } from '../chat/types.ts';
import { formatClock, formatDuration } from '../lib/format.ts';
import { selectCurrentChat } from '../stores/chatStore.ts';
import { useChat, useStores } from '../stores/context.tsx';

const short = (id: string) => id.slice(0, 8);
const MAX_ROWS = 300;

function clientTimings(chat: SessionChat, runId: string) {
  const sent = chat.sentAt[runId];
  const first = chat.firstChunkAt[runId];
  const done = chat.events.find((e) => e.runId === runId && e.type === 'conversation_complete' && !e.duplicate)?.receivedAt;
  return {
    firstChunk: sent !== undefined && first !== undefined ? first - sent : null,
    total: sent !== undefined && done !== undefined ? done - sent : null,
  };
}

function RunSummary({ chat, turn }: { chat: SessionChat; turn: TurnView }) {
  const client = clientTimings(chat, turn.runId);
  return (
    <section className="debug-run" aria-label={`Run ${short(turn.runId)}`}>
      <h4>
        Run <code title={turn.runId}>{short(turn.runId)}</code> · {turn.status}
      </h4>
      <dl className="debug-metrics">
        <dt>First chunk (server)</dt>
        <dd data-metric="first-chunk-server">{formatDuration(turn.timings?.firstChunkMs)}</dd>
        <dt>Total (server)</dt>
        <dd data-metric="total-server">{formatDuration(turn.timings?.totalMs)}</dd>
        <dt>First chunk (this tab)</dt>
        <dd>{formatDuration(client.firstChunk)}</dd>
        <dt>Total (this tab)</dt>
        <dd>{formatDuration(client.total)}</dd>
        <dt>Tokens</dt>
        <dd data-metric="tokens">
          {turn.usage ? `${turn.usage.input_tokens} in · ${turn.usage.output_tokens} out · ${turn.usage.total_tokens} total` : '—'}
        </dd>
      </dl>
      {turn.debug.length > 0 ? (
        <ol className="debug-nodes" aria-label="Graph node transitions">
          {turn.debug.map((d) => (
            <li key={d.seq}>
              <code>#{d.seq}</code> {d.node} {d.phase === 'start' ? 'start' : 'end'}
              {d.duration_ms !== undefined ? ` ${formatDuration(d.duration_ms)}` : ''}
              {d.usage ? ` · ${d.usage.total_tokens} tokens` : ''}
            </li>
          ))}
        </ol>
      ) : (
        <p className="debug-note">No agent_debug events (the server sends them in development, or with AGENT_DEBUG=1).</p>
      )}
    </section>
  );
}

export default function DebugPanel() {
  const { ui } = useStores();
  const chat = useChat(selectCurrentChat);
  const sid = useChat((s) => s.sid);
  const connection = useChat((s) => s.connection);
  const [hideChunks, setHideChunks] = useState(false);
  const [expanded, setExpanded] = useState<number | null>(null);

  // Stored runs keep their server timings and usage: after a reload they show too (without this tab's own timings).
  const turns = chat ? Object.values(chat.turns).filter((t) => !t.fromHistory || t.timings || t.usage).reverse() : [];
  const matching = chat ? chat.events.map((e, i) => ({ e, i })).filter(({ e }) => !(hideChunks && e.type === 'agent_response_chunk')) : [];
  // A long answer is hundreds of chunks; the newest rows are the ones worth a re-render per batch.
  const events = matching.slice(-MAX_ROWS);
  return (
    <aside className="debug-panel" aria-label="Debug panel">
      <header className="panel-header">
        <h2>Debug</h2>
        <button type="button" className="icon-button" onClick={() => ui.getState().toggleDebug()} aria-label="Close debug panel">
          ×
        </button>
      </header>
      <p className="debug-note">
        Socket <code>{sid ?? '—'}</code> · {connection}
      </p>
      {turns.length === 0 ? <p className="debug-note">The runs of this chat show here.</p> : null}
      {chat ? turns.map((t) => <RunSummary key={t.runId} chat={chat} turn={t} />) : null}
      <div className="debug-events-header">
        <h3>Raw events ({chat?.events.length ?? 0})</h3>
        <label>
          <input type="checkbox" checked={hideChunks} onChange={(e) => setHideChunks(e.target.checked)} /> Hide chunks
        </label>
      </div>
      {matching.length > events.length ? (
        <p className="debug-note">
          Showing the last {events.length} of {matching.length}.
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="debug-events">
          <thead>
            <tr>
              <th scope="col">seq</th>
              <th scope="col">event</th>
              <th scope="col">run</th>
              <th scope="col">+ms</th>
              <th scope="col">received</th>
            </tr>
          </thead>
          <tbody>
            {events.map(({ e, i }) => (
              <tr key={i} className={e.duplicate ? 'duplicate' : undefined}>
                <td>{e.seq}</td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={expanded === i}
                    title={e.duplicate ? 'Already applied (replayed or delivered twice)' : 'Show payload'}
                    onClick={() => setExpanded(expanded === i ? null : i)}
                  >
                    {e.type}
                  </button>
                  {e.duplicate ? ' (dup)' : ''}
                  {expanded === i ? <pre className="debug-payload">{JSON.stringify(e.payload, null, 2)}</pre> : null}
                </td>
                <td>
                  <code>{short(e.runId)}</code>
                </td>
                <td>{e.sinceRunStartMs ?? '—'}</td>
                <td title={new Date(e.receivedAt).toISOString()}>{formatClock(e.receivedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </aside>
  );
}
