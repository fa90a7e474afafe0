import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { AppServer } from '../realtime/types.ts';

/** What one node asks the node that holds a session's lease. */
export const NodeCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cancel'), sessionId: z.uuid() }),
  z.object({ kind: z.literal('abort'), sessionId: z.uuid(), reason: z.enum(['interrupt', 'rollback']) }),
  z.object({ kind: z.literal('stop'), sessionId: z.uuid() }),
  /**
   * Snapshot the active run and put the socket in the session's room in one step (no event missed or repeated).
   * Without a socket (a plain-WebSocket client, whose node already relays the session's notices): the snapshot only.
   */
  z.object({ kind: z.literal('join'), sessionId: z.uuid(), socketId: z.string().max(100).optional(), runId: z.uuid().optional(), afterSeq: z.number().int().min(0).optional() }),
]);
export type NodeCommand = z.infer<typeof NodeCommandSchema>;

const EnvelopeSchema = z.object({ id: z.string(), from: z.string(), to: z.string(), command: z.unknown() });
const ReplySchema = z.object({ id: z.string(), to: z.string(), ok: z.boolean(), result: z.unknown().optional(), error: z.string().optional() });

export class NodeUnreachable extends Error {}

/**
 * Request and reply between nodes over the Socket.IO adapter (cluster
 * adapter between workers, Redis streams between machines): the same channel
 * as room broadcasts, so a command's effects are ordered with the events the
 * owner sends after it.
 */
export class NodeBus {
  private readonly waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly io: AppServer,
    private readonly nodeId: string,
    /** False with the in-memory adapter: there is no other node to reach. */
    private readonly enabled: boolean,
    handle: (command: NodeCommand) => Promise<unknown>,
    log: Logger,
  ) {
    if (!enabled) return;
    io.on('run_command', (raw: unknown) => {
      const envelope = EnvelopeSchema.safeParse(raw);
      if (!envelope.success || envelope.data.to !== nodeId) return;
      const { id, from } = envelope.data;
      const command = NodeCommandSchema.safeParse(envelope.data.command);
      const reply = (r: { ok: boolean; result?: unknown; error?: string }) => io.serverSideEmit('run_reply', { id, to: from, ...r });
      if (!command.success) return reply({ ok: false, error: 'bad command' });
      handle(command.data).then(
        (result) => reply({ ok: true, result: result ?? null }),
        (err) => {
          log.error({ err, kind: command.data.kind }, 'node command failed');
          reply({ ok: false, error: err instanceof Error ? err.message : String(err) });
        },
      );
    });
    io.on('run_reply', (raw: unknown) => {
      const reply = ReplySchema.safeParse(raw);
      if (!reply.success || reply.data.to !== nodeId) return;
      const waiter = this.waiting.get(reply.data.id);
      if (!waiter) return;
      this.waiting.delete(reply.data.id);
      clearTimeout(waiter.timer);
      if (reply.data.ok) waiter.resolve(reply.data.result);
      else waiter.reject(new Error(reply.data.error ?? 'failed'));
    });
  }

  /** Sends a command to one node and waits for its answer; NodeUnreachable when none comes in time. */
  request(to: string, command: NodeCommand, timeoutMs = 3_000): Promise<unknown> {
    if (!this.enabled) return Promise.reject(new NodeUnreachable('no other node is reachable (no Socket.IO adapter)'));
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new NodeUnreachable(`node ${to} did not answer`));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.io.serverSideEmit('run_command', { id, from: this.nodeId, to, command: withoutUndefined(command) });
    });
  }

  close(): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new NodeUnreachable('closing'));
      this.waiting.delete(id);
    }
  }
}

/**
 * The Redis streams adapter encodes with msgpack, which sends an undefined
 * field as null, and the receiver's schema refuses null where a field is
 * optional ("bad command"): such fields are left out, as JSON would.
 */
function withoutUndefined(command: NodeCommand): NodeCommand {
  return Object.fromEntries(Object.entries(command).filter(([, v]) => v !== undefined)) as NodeCommand;
}
