/**
 * The run machinery every transport calls (the Socket.IO gateway, a plain
 * WebSocket transport): submit a message, cancel, join a session's stream,
 * stop a session, drain on shutdown. Works the same from any node: the node
 * that holds a session's lease runs it, the others reach it over the NodeBus
 * and the durable queue; events are stored in the run log before they are
 * sent, so any node can replay them.
 *
 * Callers check that the session is the user's; everything here assumes it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HistoryMessage } from '../../shared/api.ts';
import type { ActiveRun, MultitaskStrategy, QueuedMessage, RunEvent } from '../../shared/protocol.ts';
import { deadNodes, type ClusterNode } from '../cluster/clusterNode.ts';
import type { NodeBus, NodeCommand } from '../cluster/nodeBus.ts';
import { recoverDeadNode, recoverUnleasedRuns, type RecoveredRun } from '../cluster/recovery.ts';
import { pruneRunEvents, readRunEvents, type RunLog } from '../cluster/runLog.ts';
import {
  acquireLease,
  enqueueRun,
  hasQueued,
  leaseOwner,
  nextOrRelease,
  queuedRuns,
  releaseLease,
  removeQueued,
  unownedQueues,
} from '../cluster/sessionLeases.ts';
import { loadHistory } from '../data/conversations.ts';
import { isForeignKeyViolation } from '../data/constraints.ts';
import type { Db } from '../data/prisma.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HandlerCache } from './handlerCache.ts';
import type { RunRequest, SessionQueue, SessionRuns } from './sessionRuns.ts';

export interface SubmitRequest {
  content: string;
  clientMessageId?: string;
  strategy: MultitaskStrategy;
  /** See StreamOptions.parentId. */
  parentId?: string | null;
  /** See StreamOptions.continueRun. */
  continueRun?: boolean;
}

export interface Submitted {
  runId: string;
  userMessageId: string;
  /** True when the run waits behind another one (`enqueue`). */
  queued: boolean;
}

export interface JoinOptions {
  runId?: string;
  afterSeq?: number;
  /**
   * Starts delivering the session's live events to the joiner, at the moment the snapshot is taken (without a
   * socketId on a node that does not run the session: before the owner is asked, and maybe again). Idempotent.
   */
  subscribe(): void;
  /**
   * Lets the owning node subscribe the joiner itself (a Socket.IO socket id): then not one event is missed or repeated.
   * Without it, a joiner on another node than the owner is subscribed first (its node then receives the session's
   * notices) and gets the owner's snapshot: events may then arrive both live and in the snapshot (dedupe by seq).
   */
  socketId?: string;
}

export interface JoinAnswer {
  messages: HistoryMessage[];
  active_run: ActiveRun | null;
  resumed_run?: ActiveRun;
  queued: QueuedMessage[];
}

export interface RunServiceDeps {
  db: Db;
  node: ClusterNode;
  handlers: HandlerCache;
  bus: NodeBus;
  runLog: RunLog;
  /** Sends a stored run event to everyone watching its session (and its user's tabs), on every node. */
  sendRunEvent(userId: string, event: RunEvent): void;
  /** Tells watchers (on every node) that an acknowledged message will not run. */
  dropped(userId: string, sessionId: string, runId: string, message: string, type: 'busy' | 'not_found'): void;
  /** Puts a socket (on any node) in the session's room. */
  subscribeSocket(socketId: string, sessionId: string): void;
  sweepMs: number;
  logRetentionS: number;
  log: Logger;
}

const BUSY_MESSAGE = 'A reply is still being written in this session. Wait for it, or stop it first.';
export const SESSION_DELETED_MESSAGE = 'This chat was deleted; the message was not processed.';
const PRUNE_EVERY_MS = 60_000;
// join_session re-reads the history when a run starts or ends during the read; past this, it answers anyway.
const JOIN_ATTEMPTS = 5;

export function createRunService(deps: RunServiceDeps) {
  const { db, node, handlers, bus, log } = deps;
  let sweeper: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | null = null;
  let lastPrune = 0;
  let closed = false;

  /** The session's durable queue and lease, bound to this node. */
  function queueOf(sessionId: string): SessionQueue {
    return {
      nextOrRelease: () => nextOrRelease(db, sessionId, node.id),
      remove: (runId) => removeQueued(db, runId),
      release: () => releaseLease(db, sessionId, node.id),
    };
  }

  function publishRecovered(recovered: RecoveredRun[]) {
    for (const r of recovered) deps.sendRunEvent(r.userId, r.complete);
  }

  /** Takes the lease of a session nobody runs and drains its queue here. */
  async function adopt(userId: string, sessionId: string): Promise<void> {
    const runs = handlers.get(userId, sessionId);
    await runs.admit(async () => {
      if (runs.owning || closed) return;
      const got = await acquireLease(db, sessionId, node.id);
      if (got.acquired) runs.start();
    });
  }

  async function sweep(): Promise<void> {
    try {
      for (const dead of await deadNodes(db, node.id)) {
        const recovered = await recoverDeadNode(db, dead);
        if (recovered === null) continue;
        log.warn({ deadNode: dead, runs: recovered.length }, 'recovered the runs of a node that is gone');
        publishRecovered(recovered);
      }
      if (closed) return;
      for (const q of await unownedQueues(db)) await adopt(q.userId, q.sessionId);
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        await pruneRunEvents(db, deps.logRetentionS);
      }
    } catch (err) {
      log.error({ err }, 'cluster sweep failed');
    }
  }

  function runSweep(): Promise<void> {
    return (sweeping ??= sweep().finally(() => (sweeping = null)));
  }

  async function handleCommand(command: NodeCommand): Promise<unknown> {
    const runs = handlers.findSession(command.sessionId);
    switch (command.kind) {
      case 'cancel':
        return { runId: runs?.owning ? runs.cancel() : null };
      case 'abort':
        runs?.abortActive(command.reason);
        return {};
      case 'stop':
        if (runs) {
          await runs.stop('session_deleted');
          handlers.removeSession(command.sessionId);
        }
        return {};
      case 'join': {
        if (!runs?.owning) return { owned: false };
        // Synchronous: the room join goes out on the adapter before any later event of the run.
        const snapshot = runs.snapshot(afterSeqFor(runs.activeRunId, command.runId, command.afterSeq));
        if (command.socketId !== undefined) deps.subscribeSocket(command.socketId, command.sessionId);
        return { owned: true, active_run: snapshot };
      }
    }
  }

  function afterSeqFor(activeRunId: string | null, runId: string | undefined, afterSeq: number | undefined): number {
    return runId !== undefined && runId === activeRunId ? (afterSeq ?? 0) : 0;
  }

  async function queuedOf(sessionId: string): Promise<QueuedMessage[]> {
    return (await queuedRuns(db, sessionId)).map((q) => ({
      run_id: q.runId,
      message_id: q.userMessageId,
      content: q.content,
      ...(q.clientMessageId !== undefined ? { client_message_id: q.clientMessageId } : {}),
      created_at: q.createdAt.toISOString(),
    }));
  }

  /** A run's logged events after `afterSeq`, with its status, when it is not the active one. */
  async function resumed(runId: string, sessionId: string, afterSeq: number): Promise<ActiveRun | undefined> {
    const run = await db.run.findFirst({ where: { id: runId, sessionId }, select: { status: true } });
    if (!run) return undefined;
    return { run_id: runId, status: run.status, events: await readRunEvents(db, runId, afterSeq) };
  }

  function withoutRuns(messages: HistoryMessage[], runIds: Array<string | undefined>): HistoryMessage[] {
    const skip = new Set(runIds.filter((id): id is string => id !== undefined));
    return skip.size ? messages.filter((m) => !m.run_id || !skip.has(m.run_id)) : messages;
  }

  return {
    handleCommand,
    queueOf,

    /** Registers the node, recovers what dead nodes left, and starts the periodic sweep. */
    async start(): Promise<void> {
      await node.start();
      const unleased = await recoverUnleasedRuns(db);
      if (unleased.length) log.warn({ runs: unleased.length }, 'marked runs no live node holds as interrupted');
      publishRecovered(unleased);
      await runSweep();
      sweeper = setInterval(() => void runSweep(), deps.sweepMs);
      sweeper.unref();
    },

    async submit(userId: string, sessionId: string, req: SubmitRequest): Promise<Submitted> {
      const runs = handlers.get(userId, sessionId);
      const request: RunRequest = {
        runId: randomUUID(),
        userMessageId: randomUUID(),
        sessionId,
        userId,
        content: req.content,
        ...(req.clientMessageId !== undefined ? { clientMessageId: req.clientMessageId } : {}),
        ...(req.parentId !== undefined ? { parentId: req.parentId } : {}),
        ...(req.continueRun ? { continueRun: true } : {}),
        strategy: req.strategy,
        stored: false,
      };
      const answer = (queued: boolean): Submitted => ({ runId: request.runId, userMessageId: request.userMessageId, queued });
      const waits = req.strategy === 'enqueue';
      // The session was deleted after the caller found it (the lease and the queue refer to it).
      const gone = (err: unknown): never => {
        throw isForeignKeyViolation(err) ? new AppError('not_found', 'Session not found') : err;
      };
      return runs.admit(async () => {
        if (runs.owning) {
          // A run ahead of this message, or messages waiting: what the strategies are about.
          const ahead = !runs.free || (await hasQueued(db, sessionId));
          if (req.strategy === 'reject' && ahead) throw new AppError('busy', BUSY_MESSAGE);
          await enqueueRun(db, request);
          if (req.strategy === 'interrupt' || req.strategy === 'rollback') runs.abortActive(req.strategy);
          return answer(waits && ahead);
        }
        const got = await acquireLease(db, sessionId, node.id);
        if (got.acquired && !got.hasQueue) {
          runs.start(request);
          return answer(false);
        }
        if (got.acquired) {
          // Messages left by a node that stopped go first.
          await enqueueRun(db, request);
          runs.start();
          return answer(waits);
        }
        // Another node runs the session.
        if (req.strategy === 'reject') throw new AppError('busy', BUSY_MESSAGE);
        await enqueueRun(db, request);
        if (req.strategy === 'interrupt' || req.strategy === 'rollback') {
          const owner = await leaseOwner(db, sessionId);
          if (owner && owner !== node.id) {
            await bus.request(owner, { kind: 'abort', sessionId, reason: req.strategy }).catch((err) => {
              // A dead owner's run is interrupted by recovery; the message waits for it.
              log.warn({ err, owner, sessionId }, 'could not reach the node running the session');
            });
          }
        }
        // The owner may have let the session go before the message was stored.
        const again = await acquireLease(db, sessionId, node.id);
        if (again.acquired) runs.start();
        return answer(waits);
      }).catch(gone);
    },

    /** Aborts the session's active run wherever it runs; its run id, or null. */
    async cancel(userId: string, sessionId: string): Promise<string | null> {
      const local = handlers.peek(userId, sessionId);
      if (local?.owning) return local.cancel();
      const owner = await leaseOwner(db, sessionId);
      if (!owner || owner === node.id) return null;
      try {
        const reply = (await bus.request(owner, { kind: 'cancel', sessionId })) as { runId?: string | null };
        return reply?.runId ?? null;
      } catch (err) {
        log.warn({ err, owner, sessionId }, 'cancel could not reach the node running the session');
        throw new AppError('processing_error', 'The server running this answer is not responding. Try again in a few seconds.');
      }
    },

    async join(userId: string, sessionId: string, opts: JoinOptions): Promise<JoinAnswer> {
      const fetchResumed = () => (opts.runId !== undefined ? resumed(opts.runId, sessionId, opts.afterSeq ?? 0) : Promise.resolve(undefined));
      const answer = (messages: HistoryMessage[], activeRun: ActiveRun | null, resumedRun: ActiveRun | undefined, queued: QueuedMessage[]) => {
        const resumedR = resumedRun && resumedRun.run_id !== activeRun?.run_id ? resumedRun : undefined;
        return {
          messages: withoutRuns(messages, [activeRun?.run_id, resumedR?.run_id]),
          active_run: activeRun,
          ...(resumedR ? { resumed_run: resumedR } : {}),
          queued,
        };
      };

      const local = handlers.peek(userId, sessionId);
      if (!local?.owning) {
        const owner = await leaseOwner(db, sessionId);
        if (owner && owner !== node.id) {
          if (opts.socketId === undefined) opts.subscribe();
          const [messages, queued] = await Promise.all([loadHistory(db, sessionId), queuedOf(sessionId)]);
          const reply = (await bus
            .request(owner, { kind: 'join', sessionId, socketId: opts.socketId, runId: opts.runId, afterSeq: opts.afterSeq })
            .catch((err) => {
              log.warn({ err, owner, sessionId }, 'join could not reach the node running the session');
              return null;
            })) as { owned: boolean; active_run?: ActiveRun | null } | null;
          if (reply?.owned) {
            const activeRun = reply.active_run ?? null;
            // The run the history was read during may have ended meanwhile: read what it stored.
            const settled = activeRun ? messages : await loadHistory(db, sessionId);
            return answer(settled, activeRun, await fetchResumed(), queued);
          }
        }
      }

      const state = () => {
        const runs = handlers.peek(userId, sessionId);
        return { runs, generation: runs?.generation };
      };
      for (let attempt = 1; ; attempt++) {
        const before = state();
        const [messages, resumedRun, queued] = await Promise.all([loadHistory(db, sessionId), fetchResumed(), queuedOf(sessionId)]);
        const after = state();
        const settled = before.runs === after.runs && before.generation === after.generation;
        if (!settled && attempt < JOIN_ATTEMPTS) continue;
        // Subscribe, snapshot and answer in one synchronous step: every later event reaches the joiner after the answer, none twice.
        opts.subscribe();
        const activeRun = after.runs?.snapshot(afterSeqFor(after.runs.activeRunId, opts.runId, opts.afterSeq)) ?? null;
        return answer(messages, activeRun, resumedRun, queued);
      }
    },

    /** Stops a session's runs (queued ones dropped with a notice) before the session is deleted. */
    async stopSession(sessionId: string): Promise<void> {
      const dropped = await queuedRuns(db, sessionId).catch(() => []);
      const local = handlers.findSession(sessionId);
      if (local?.owning) await local.stop('session_deleted');
      else {
        const owner = await leaseOwner(db, sessionId);
        if (owner && owner !== node.id) {
          await bus.request(owner, { kind: 'stop', sessionId }).catch((err) => log.warn({ err, owner, sessionId }, 'stop could not reach the owner'));
        }
      }
      handlers.removeSession(sessionId);
      for (const q of dropped) deps.dropped(q.userId, sessionId, q.runId, SESSION_DELETED_MESSAGE, 'not_found');
    },

    /** Lets active runs finish for up to `graceMs`, then aborts them; queued messages stay stored for another node or the next start. */
    async shutdown(graceMs: number, abortWaitMs: number, hurried: Promise<false> = new Promise(() => undefined)): Promise<void> {
      closed = true;
      clearInterval(sweeper);
      const busy = handlers.busy();
      for (const runs of busy) runs.finishAndLeave();
      const allIdle = () => Promise.all(handlers.busy().map((runs) => runs.idle())).then(() => true);
      const within = (p: Promise<boolean>, ms: number) => Promise.race([p, sleep(ms, false, { ref: false })]);
      if (!(await Promise.race([within(allIdle(), graceMs), hurried]))) {
        log.warn({ activeRuns: handlers.activeRuns }, 'grace period over: interrupting active runs');
        for (const runs of handlers.busy()) runs.abortActive('shutdown');
        if (!(await within(allIdle(), abortWaitMs))) log.error('runs did not stop after abort');
      }
      await deps.runLog.drained();
      await sweeping;
      bus.close();
      await node.stop();
    },

    /** This node's lease was taken by a survivor: its runs are no longer its own. */
    leaseLost(): void {
      for (const runs of handlers.busy()) void runs.stop('lease_lost');
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
