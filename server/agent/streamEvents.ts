import type { AIMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ErrorBody } from '../../shared/errors.ts';
import type { ModelDelta } from './modelStream.ts';

/**
 * What the agent graph writes to LangGraph's `custom` stream while it runs.
 * Everything a run produces travels through this one ordered channel, so the
 * handler sees model chunks, turn ends and tool events in the order they
 * happened.
 */
export type GraphStreamEvent =
  | { kind: 'turn_start'; step: number; final: boolean }
  | { kind: 'model_chunk'; step: number; delta: ModelDelta }
  | { kind: 'turn_end'; step: number; message: AIMessage; durationMs: number; stepLimitReached: boolean }
  | { kind: 'tools_start'; step: number; count: number }
  | { kind: 'tool_start'; step: number; id: string; name: string; args: Record<string, unknown> }
  | ({ kind: 'tool_end'; step: number; id: string; name: string; args: Record<string, unknown>; durationMs: number; content: string } & (
      | { ok: true; result: unknown }
      | { ok: false; error: ErrorBody }
    ))
  | { kind: 'tools_end'; step: number; durationMs: number };

const SINK_KEY = 'agentwire_event_sink';

export type EventSink = (e: GraphStreamEvent) => void;

/** The run's sink for config.configurable: nodes report to it directly. */
export function withEventSink(sink: EventSink): Record<string, unknown> {
  return { [SINK_KEY]: sink };
}

/**
 * Where a graph node reports what happens: the run's sink when the runtime
 * gave one — a plain function call per token, none of LangGraph's stream
 * machinery — else LangGraph's `custom` stream (graph.stream with
 * streamMode 'custom', for anyone driving the graph directly).
 */
export function eventWriter(config: LangGraphRunnableConfig): EventSink {
  const sink = config.configurable?.[SINK_KEY] as EventSink | undefined;
  return sink ?? ((e) => config.writer?.(e));
}

/**
 * The events of one run between the graph (which pushes them as they
 * happen) and the runtime (which drains them in order). Buffered events are
 * taken synchronously; a wait is needed only when the buffer is empty.
 */
export class EventQueue {
  private items: GraphStreamEvent[] = [];
  private head = 0;
  private wake: (() => void) | null = null;
  done = false;
  failure: { error: unknown } | undefined;

  readonly push = (e: GraphStreamEvent): void => {
    if (this.done) return;
    this.items.push(e);
    this.notify();
  };

  /** No more events: the graph finished, failed (`error`), or the run was aborted. */
  end(error?: { error: unknown }): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    this.notify();
  }

  take(): GraphStreamEvent | undefined {
    if (this.head >= this.items.length) return undefined;
    const e = this.items[this.head++]!;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return e;
  }

  /**
   * The text of the plain text chunks of `step` waiting right behind the one just taken, taken with them: tokens
   * that arrived while the run was busy go out as one chunk rather than one event (stored row, socket write) each.
   */
  takeText(step: number): string {
    let text = '';
    while (this.head < this.items.length) {
      const e = this.items[this.head]!;
      if (e.kind !== 'model_chunk' || e.step !== step || !isPlainText(e.delta)) break;
      text += e.delta.text;
      this.head++;
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return text;
  }

  /** Resolves once there is an event to take or the queue is done. */
  wait(): Promise<void> {
    if (this.head < this.items.length || this.done) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** A delta that is only text: one that can join the text next to it. */
export function isPlainText(d: ModelDelta): boolean {
  return d.reasoning === '' && d.toolCalls === undefined && d.usage === undefined && d.text !== '';
}
