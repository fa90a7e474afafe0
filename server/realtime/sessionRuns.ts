import { Mutex } from 'async-mutex';
import { partsOfEvents } from '../../shared/runParts.ts';
import { answerOfParts, type ActiveRun, type RunEvent, type RunEventPayloads } from '../../shared/protocol.ts';
import type { ConversationRunner } from '../agent/types.ts';
import type { QueuedRun } from '../cluster/sessionLeases.ts';
import type { Logger } from '../logger.ts';
import type { RunObserver } from './metrics.ts';

/** Why a run was aborted; the runner ends it `interrupted` whatever the reason. */
export type AbortReason = 'cancel' | 'interrupt' | 'rollback' | 'shutdown' | 'session_deleted' | 'lease_lost';

/** A run to start: a message that was acknowledged with this run id. */
export interface RunRequest extends Omit<QueuedRun, 'createdAt'> {
  /** Whether it waits in queued_messages (and leaves it when it starts). */
  stored: boolean;
}

/** The session's durable queue and lease, as the node that holds the lease uses them. */
export interface SessionQueue {
  /**
   * The next waiting message (interrupt/rollback first, then in order), the
   * lease kept for it; or null, the lease given up because none waits.
   */
  nextOrRelease(): Promise<QueuedRun | null>;
  remove(runId: string): Promise<void>;
  /** Gives the lease up whether or not messages wait. */
  release(): Promise<void>;
}

export interface SessionRunsDeps {
  runner: ConversationRunner;
  queue: SessionQueue;
  /** Stores the event in the run log, then sends it to everyone watching the session and calls `sent`. */
  publish(event: RunEvent, sent: () => void): void;
  /** Deletes a rolled-back run with its messages, then tells watchers to forget it. */
  discard(runId: string): Promise<void>;
  /** Leaves the run's row in a final state when the runner broke its contract by throwing. */
  recordCrash(runId: string, err: unknown): Promise<void>;
  observe(): RunObserver;
  onBusyChange(busy: boolean): void;
  now(): number;
  log: Logger;
}

interface RunningRun {
  runId: string;
  controller: AbortController;
  /** Every event the runner produced. */
  produced: RunEvent[];
  /** The events stored and sent so far: what a tab joining now has missed. */
  sent: RunEvent[];
  /** Events handed to publish whose `sent` has not come yet (it comes in order). */
  unsent: number;
  /** Called once `unsent` is back to 0 (see allSent). */
  onAllSent: (() => void) | null;
  /** Its conversation_complete went out. */
  completeSent: boolean;
  abortReason?: AbortReason;
}

/**
 * The runs of one session on the node that holds its lease: one at a time,
 * the lease's queue drained in order, cancel and abort, and the active run's
 * sent events for tabs that join mid-run. Admission decisions (which node
 * runs a message, and whether it waits) are made under `admission`, which
 * the lease's release also takes, so a message is never left behind.
 */
export class SessionRuns {
  /** Serialises this node's decisions about the session (submit, release). */
  readonly admission = new Mutex();
  private running: RunningRun | null = null;
  private draining: Promise<void> | null = null;
  /** Set and cleared under `admission`: while true, messages submitted here join the queue. */
  private leaseHeld = false;
  private admitting = 0;
  private stopping = false;
  private idleWaiters: Array<() => void> = [];
  /** Changes whenever a run starts or ends; lets join_session detect a race with its history read. */
  generation = 0;

  constructor(private readonly deps: SessionRunsDeps) {}

  get sessionId(): string {
    return this.deps.runner.sessionId;
  }

  get userId(): string {
    return this.deps.runner.userId;
  }

  /** This node holds the session's lease and runs its messages (read under `admission`). */
  get owning(): boolean {
    return this.leaseHeld;
  }

  /**
   * Nothing is ahead of a new message: no run, or the active run's end was
   * already sent (what is left is bookkeeping, and the next message may follow).
   */
  get free(): boolean {
    return this.running === null || this.running.completeSent;
  }

  get busy(): boolean {
    return this.draining !== null || this.admitting > 0;
  }

  get activeRunId(): string | null {
    return this.running?.runId ?? null;
  }

  /** Keeps the handler pinned (not evicted) while a decision about it is being made. */
  async admit<T>(fn: () => Promise<T>): Promise<T> {
    this.admitting++;
    this.notifyBusy();
    try {
      return await this.admission.runExclusive(fn);
    } finally {
      this.admitting--;
      this.notifyBusy();
    }
  }

  /** With the lease just taken: runs `first` if given, then whatever waits, then gives the lease up. */
  start(first?: RunRequest): void {
    if (this.draining) throw new Error('the session is already being run');
    this.stopping = false;
    this.leaseHeld = true;
    this.draining = this.drain(first).finally(() => {
      this.draining = null;
      this.generation++;
      this.notifyBusy();
    });
    this.notifyBusy();
  }

  /** Aborts the active run (it ends `interrupted`); queued messages still run. */
  cancel(): string | null {
    return this.abortActive('cancel');
  }

  /** The active run and its events sent so far, for join_session. */
  snapshot(afterSeq = 0): ActiveRun | null {
    if (!this.running) return null;
    return { run_id: this.running.runId, status: 'running', events: this.running.sent.filter((e) => e.payload.seq > afterSeq) };
  }

  /**
   * Stops taking queued messages, aborts the active run and gives the lease
   * up. Queued messages stay stored (another node or the next start runs
   * them) unless the session is being deleted.
   */
  async stop(reason: 'shutdown' | 'session_deleted' | 'lease_lost'): Promise<void> {
    this.stopping = true;
    this.abortActive(reason);
    await this.idle();
  }

  /** Lets the active run finish but takes no more queued messages on this node. */
  finishAndLeave(): void {
    this.stopping = true;
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

  private async drain(first: RunRequest | undefined): Promise<void> {
    const { queue, log } = this.deps;
    let next: RunRequest | null = first ?? null;
    try {
      for (;;) {
        if (!next) {
          // Under admission: a message submitted here meanwhile is either read here or finds the lease gone (and takes it).
          const queued = await this.admission.runExclusive(async () => {
            const found = this.stopping ? null : await queue.nextOrRelease();
            if (found && !this.stopping) return found;
            // Stopping (maybe during the read): the lease goes regardless; waiting messages stay stored for another node or the next start.
            if (this.stopping) await queue.release();
            this.leaseHeld = false;
            return null;
          });
          if (!queued) return;
          next = { ...queued, stored: true };
        }
        await this.execute(next);
        next = null;
      }
    } catch (err) {
      log.error({ err }, 'could not run the session queue; giving the session up');
      await this.admission.runExclusive(async () => {
        await queue.release().catch(() => undefined);
        this.leaseHeld = false;
      });
    }
  }

  private async execute(request: RunRequest): Promise<void> {
    const { runId } = request;
    const run: RunningRun = { runId, controller: new AbortController(), produced: [], sent: [], unsent: 0, onAllSent: null, completeSent: false };
    this.running = run;
    this.generation++;
    const observer = this.deps.observe();
    const log = this.deps.log.child({ runId });
    log.info({ strategy: request.strategy, queued: request.stored }, 'run started');
    let dequeued: Promise<void> | undefined;
    let crash: unknown;
    try {
      const stream = this.deps.runner.streamResponse(request.content, {
        signal: run.controller.signal,
        runId,
        userMessageId: request.userMessageId,
        clientMessageId: request.clientMessageId,
        ...(request.parentId !== undefined ? { parentId: request.parentId } : {}),
        ...(request.continueRun ? { continueRun: true } : {}),
      });
      for await (const event of stream) {
        // The user message is stored with the run now: the queued copy goes.
        if (request.stored && !dequeued) dequeued = this.deps.queue.remove(runId);
        this.emit(run, observer, event);
        // The next tokens gather in the runner while this chunk is being stored, and go out as one chunk: as many
        // chunks as the log and the socket can take (at rest one per token, under load fewer rows and frames). A token
        // that comes while this chunk still waits for its INSERT goes in the INSERT after it.
        if (event.type === 'agent_response_chunk' && run.unsent > 0) await allSent(run);
      }
    } catch (err) {
      crash = err;
    }
    try {
      if (request.stored) await (dequeued ?? this.deps.queue.remove(runId)).catch((err) => log.error({ err }, 'could not dequeue'));
      if (run.produced.at(-1)?.type !== 'conversation_complete') {
        crash ??= new Error('the run ended without conversation_complete');
        log.error({ err: crash }, 'run crashed');
        this.finishCrashed(run, observer);
        await this.deps.recordCrash(runId, crash).catch((err) => log.error({ err }, 'could not record the crash'));
      }
      await allSent(run);
      if (run.abortReason === 'rollback') {
        await this.deps.discard(runId).catch((err) => log.error({ err }, 'rollback could not discard the run'));
      }
    } finally {
      log.info({ abort: run.abortReason, events: run.produced.length }, 'run ended');
      this.running = null;
      this.generation++;
    }
  }

  private emit(run: RunningRun, observer: RunObserver, event: RunEvent) {
    run.produced.push(event);
    observer.observe(event);
    // A counter rather than a promise per event, and one closure: this runs once per token.
    run.unsent++;
    let counted = false;
    try {
      this.deps.publish(event, () => {
        run.sent.push(event);
        if (event.type === 'conversation_complete') run.completeSent = true;
        if (!counted) {
          counted = true;
          countSent(run);
        }
      });
    } catch (err) {
      // Watchers can catch up from the log (join_session); the run itself goes on.
      this.deps.log.error({ err, runId: run.runId, seq: event.payload.seq }, 'could not publish a run event');
      if (!counted) {
        counted = true;
        countSent(run);
      }
    }
  }

  /** Ends a broken run with the events the contract promises: `error`, then `conversation_complete` failed. */
  private finishCrashed(run: RunningRun, observer: RunObserver) {
    const started = run.produced.find((e) => e.type === 'run_started');
    const firstChunk = run.produced.find((e) => e.type === 'agent_response_chunk');
    const parts = partsOfEvents(run.produced);
    const seq = run.produced.at(-1)?.payload.seq ?? 0;
    const startedAt = run.produced[0]?.payload.timestamp ?? this.deps.now();
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

/** Resolves once every event of the run handed to publish so far was stored and sent. */
function allSent(run: RunningRun): Promise<void> {
  if (run.unsent === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const before = run.onAllSent;
    run.onAllSent = before ? () => (before(), resolve()) : resolve;
  });
}

/** One more of the run's events sent (or given up on); the last one resolves whoever waits for them all. */
function countSent(run: RunningRun): void {
  if (--run.unsent === 0 && run.onAllSent) {
    const resolve = run.onAllSent;
    run.onAllSent = null;
    resolve();
  }
}
