import { randomUUID } from 'node:crypto';
import { E_CANCELED, Mutex } from 'async-mutex';
import { partsOfEvents } from '../../shared/runParts.ts';
import { answerOfParts, type ActiveRun, type MultitaskStrategy, type RunEvent, type RunEventPayloads } from '../../shared/protocol.ts';
import type { ConversationRunner } from '../agent/types.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RunObserver } from './metrics.ts';

/** Why a run was aborted; the runner ends it `interrupted` whatever the reason. */
export type AbortReason = 'cancel' | 'interrupt' | 'rollback' | 'shutdown' | 'session_deleted';

export interface SessionRunsDeps {
  runner: ConversationRunner;
  /** Sends a run event to everyone watching the session. */
  publish(event: RunEvent): void;
  /** Tells watchers a message they saw acknowledged will not run (dropped from the queue). */
  dropped(runId: string, message: string, type: 'busy' | 'not_found'): void;
  /** Deletes a rolled-back run with its messages, then tells watchers to forget it. */
  discard(runId: string): Promise<void>;
  /** Leaves the run's row in a final state when the runner broke its contract by throwing. */
  recordCrash(runId: string, err: unknown): Promise<void>;
  observe(): RunObserver;
  onBusyChange(busy: boolean): void;
  now(): number;
  log: Logger;
}

export interface SubmitRequest {
  content: string;
  clientMessageId?: string;
  strategy: MultitaskStrategy;
  /** See StreamOptions.parentId. */
  parentId?: string | null;
}

export interface Submitted {
  runId: string;
  userMessageId: string;
  /** True when the run waits behind another one (`enqueue`). */
  queued: boolean;
}

interface RunningRun {
  runId: string;
  controller: AbortController;
  /** Every event of the run so far, for tabs that join mid-run. Dropped when the run ends. */
  events: RunEvent[];
  abortReason?: AbortReason;
}

// Interrupt and rollback jump ahead of enqueued messages: they mean "this, now".
const PRIORITY: Record<MultitaskStrategy, number> = { reject: 0, enqueue: 0, interrupt: 1, rollback: 1 };

type StopReason = Extract<AbortReason, 'shutdown' | 'session_deleted'>;

const DROPPED_MESSAGE: Record<StopReason, string> = {
  shutdown: 'The server is restarting; this message was not processed. Send it again in a moment.',
  session_deleted: 'This chat was deleted; the message was not processed.',
};

const BUSY_MESSAGE = 'A reply is still being written in this session. Wait for it, or stop it first.';

/**
 * The runs of one (user, session): one at a time behind the key's mutex, the
 * multitask strategy for a message that arrives while one is active, cancel,
 * and the active run's event buffer.
 */
export class SessionRuns {
  private readonly mutex = new Mutex();
  private running: RunningRun | null = null;
  private waiting = 0;
  /** Why queued messages are being dropped, for the notice their senders get. */
  private dropReason: StopReason = 'shutdown';
  private idleWaiters: Array<() => void> = [];
  /** Changes whenever a run starts or ends; lets join_session detect a race with its history read. */
  generation = 0;

  constructor(private readonly deps: SessionRunsDeps) {}

  get busy(): boolean {
    return this.running !== null || this.waiting > 0;
  }

  get activeRunId(): string | null {
    return this.running?.runId ?? null;
  }

  submit(request: SubmitRequest): Submitted {
    const contended = this.mutex.isLocked();
    if (contended) {
      switch (request.strategy) {
        case 'reject':
          throw new AppError('busy', BUSY_MESSAGE);
        case 'interrupt':
        case 'rollback':
          this.abortActive(request.strategy);
          break;
        case 'enqueue':
          break;
      }
    }
    const runId = randomUUID();
    const userMessageId = randomUUID();
    this.setWaiting(this.waiting + 1);
    void this.mutex
      .runExclusive(async () => {
        this.setWaiting(this.waiting - 1, false);
        await this.execute(runId, userMessageId, request);
      }, PRIORITY[request.strategy])
      .catch((err) => {
        if (err !== E_CANCELED) throw err;
        this.setWaiting(this.waiting - 1);
        this.deps.dropped(runId, DROPPED_MESSAGE[this.dropReason], this.dropReason === 'session_deleted' ? 'not_found' : 'busy');
      })
      .catch((err) => this.deps.log.error({ err, runId }, 'run bookkeeping failed'));
    return { runId, userMessageId, queued: contended && request.strategy === 'enqueue' };
  }

  /** Aborts the active run (it ends `interrupted`); queued messages still run. */
  cancel(): string | null {
    return this.abortActive('cancel');
  }

  /** The active run and its events so far, for join_session. */
  snapshot(): ActiveRun | null {
    if (!this.running) return null;
    return { run_id: this.running.runId, status: 'running', events: [...this.running.events] };
  }

  /** Drops queued messages and aborts the active run; resolves once idle. */
  async stop(reason: StopReason): Promise<void> {
    this.dropQueued(reason);
    this.abortActive(reason);
    await this.idle();
  }

  /** Drops queued messages (they were never stored) but lets the active run finish. */
  dropQueued(reason: StopReason): void {
    this.dropReason = reason;
    this.mutex.cancel();
  }

  abortActive(reason: AbortReason): string | null {
    const run = this.running;
    if (!run) return null;
    if (!run.abortReason || reason === 'rollback') run.abortReason = reason;
    run.controller.abort(reason);
    return run.runId;
  }

  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async execute(runId: string, userMessageId: string, request: SubmitRequest): Promise<void> {
    const run: RunningRun = { runId, controller: new AbortController(), events: [] };
    this.running = run;
    this.generation++;
    const observer = this.deps.observe();
    const log = this.deps.log.child({ runId });
    log.info({ strategy: request.strategy }, 'run started');
    let crash: unknown;
    try {
      const stream = this.deps.runner.streamResponse(request.content, {
        signal: run.controller.signal,
        runId,
        userMessageId,
        clientMessageId: request.clientMessageId,
        ...(request.parentId !== undefined ? { parentId: request.parentId } : {}),
      });
      for await (const event of stream) this.emit(run, observer, event);
    } catch (err) {
      crash = err;
    }
    try {
      if (run.events.at(-1)?.type !== 'conversation_complete') {
        crash ??= new Error('the run ended without conversation_complete');
        log.error({ err: crash }, 'run crashed');
        this.finishCrashed(run, observer);
        await this.deps.recordCrash(runId, crash).catch((err) => log.error({ err }, 'could not record the crash'));
      }
      if (run.abortReason === 'rollback') {
        await this.deps.discard(runId).catch((err) => log.error({ err }, 'rollback could not discard the run'));
      }
    } finally {
      log.info({ abort: run.abortReason, events: run.events.length }, 'run ended');
      this.running = null;
      this.generation++;
      this.notifyBusy();
    }
  }

  private emit(run: RunningRun, observer: RunObserver, event: RunEvent) {
    run.events.push(event);
    observer.observe(event);
    try {
      this.deps.publish(event);
    } catch (err) {
      // Watchers can catch up from the buffer (join_session); the run itself goes on.
      this.deps.log.error({ err, runId: run.runId, seq: event.payload.seq }, 'could not publish a run event');
    }
  }

  /** Ends a broken run with the events the contract promises: `error`, then `conversation_complete` failed. */
  private finishCrashed(run: RunningRun, observer: RunObserver) {
    const started = run.events.find((e) => e.type === 'run_started');
    const firstChunk = run.events.find((e) => e.type === 'agent_response_chunk');
    const parts = partsOfEvents(run.events);
    const seq = run.events.at(-1)?.payload.seq ?? 0;
    const startedAt = run.events[0]?.payload.timestamp ?? this.deps.now();
    const base = (n: number) => ({ session_id: this.deps.runner.sessionId, run_id: run.runId, seq: n, timestamp: this.deps.now() });
    const error = { type: 'processing_error', message: 'The assistant failed while answering. Please try again.' } as const;
    this.emit(run, observer, { type: 'error', payload: { ...base(seq + 1), ...error } });
    const complete: RunEventPayloads['conversation_complete'] = {
      ...base(seq + 2),
      message_id: started?.type === 'run_started' ? started.payload.message_id : '',
      content: answerOfParts(parts),
      parts,
      status: 'failed',
      timings: {
        first_chunk_ms: firstChunk ? firstChunk.payload.timestamp - startedAt : null,
        total_ms: Math.max(0, this.deps.now() - startedAt),
      },
      error,
    };
    this.emit(run, observer, { type: 'conversation_complete', payload: complete });
  }

  private setWaiting(n: number, notify = true) {
    this.waiting = n;
    if (notify) this.notifyBusy();
  }

  private wasBusy = false;
  private notifyBusy() {
    const busy = this.busy;
    if (busy !== this.wasBusy) {
      this.wasBusy = busy;
      this.deps.onBusyChange(busy);
    }
    if (!busy) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
