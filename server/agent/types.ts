/**
 * The contract between the agent runtime (server/agent) and its callers (the
 * realtime gateway, the `npm run chat` CLI, tests). The gateway depends only
 * on what is declared here.
 */
import type { RunEvent } from '../../shared/protocol.ts';

export interface StreamOptions {
  /** Aborting stops the model stream and running tools; the run ends `interrupted`. */
  signal?: AbortSignal;
  /** Id for the run row; the caller may assign it up front (the gateway acknowledges it before the run starts). */
  runId?: string;
  /** Id for the stored user message, likewise assignable up front. */
  userMessageId?: string;
  /** Echoed in `run_started` so the sending tab can match its optimistic message. */
  clientMessageId?: string;
  /** The user message this one follows (a new branch, for edit and regenerate); default: the end of the branch in view. */
  parentId?: string | null;
  /**
   * Continue after Stop: the message is stored without text and flagged; the
   * model is told to go on from the stopped answer it sees above (history.ts).
   * `content` is ignored.
   */
  continueRun?: boolean;
}

/**
 * One conversation (a user's chat session) served by one agent.
 *
 * Guarantees of `streamResponse`:
 * - the first event is `run_started`, the last is `conversation_complete`
 *   (also after a failure or an abort); `seq` runs 1, 2, … without gaps and
 *   every event carries session_id, run_id, timestamp;
 * - the user message, the run row, assistant answers (with their tool calls)
 *   and tool results are persisted as the run goes; the run row ends with its
 *   status and timings;
 * - failures of the model or a tool never make the iterator throw: they become
 *   `error` / `tool_error` events and a `conversation_complete` with the
 *   matching status;
 * - one run at a time per handler is the caller's job (the gateway's mutex).
 */
export interface ConversationRunner {
  readonly userId: string;
  readonly sessionId: string;
  streamResponse(content: string, options?: StreamOptions): AsyncIterable<RunEvent>;
}
