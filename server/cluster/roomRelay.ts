/**
 * Room broadcasts between the node:cluster workers of one machine (WORKERS,
 * no REDIS_URL), sent only to the workers that hold a socket in the room.
 *
 * The cluster adapter would send every room broadcast — every chunk of every
 * run — from the worker through the primary to every other worker (IPC
 * serialisation in three processes), whether or not they have a socket in the
 * room. Here a broadcast is delivered to this worker's sockets at once and
 * relayed (over the adapter's ordered channel, as `serverSideEmit`) only to
 * the workers that said they have a socket in one of its rooms.
 *
 * Interest: a worker announces a session or user room when its first socket
 * joins it (`create-room`), and withdraws it when the last one leaves
 * (`delete-room`). `hold(room)` announces a room before any socket is in it
 * and resolves once every other worker has acknowledged: a join that then
 * reads who runs the session cannot miss the first events of a run that
 * starts on another worker right after the read. A worker that (re)starts
 * asks the others for their rooms; a worker that dies is forgotten when the
 * primary says so (server/cluster/primary.ts).
 *
 * Not used with the Redis streams adapter: connection-state recovery needs
 * every broadcast to go through its stream (see gateway.ts).
 */
import cluster from 'node:cluster';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { AppServer } from '../realtime/types.ts';

/** Rooms that carry broadcasts; a socket's own room (its id) never does here. */
const isBroadcastRoom = (room: unknown): room is string => typeof room === 'string' && (room.startsWith('session:') || room.startsWith('user:'));

const InterestSchema = z.object({ node: z.string(), worker: z.number().int().nullable(), rooms: z.array(z.string()), on: z.boolean() });
const RelaySchema = z.object({ to: z.array(z.string()), rooms: z.array(z.string()), event: z.string(), payload: z.unknown() });
const SyncSchema = z.object({ node: z.string() });
/** From the primary (server/cluster/primary.ts): a worker process exited. */
export const WORKER_GONE = 'agentwire:worker-gone';
/** How long `hold` waits for the other workers' acknowledgement before going on anyway (a worker may be dying). */
const ACK_WAIT_MS = 1_500;

type Loose = {
  serverSideEmit(event: string, ...args: unknown[]): boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
};

export class RoomRelay {
  /** Room -> the other nodes that have a socket in it (or hold it). */
  private readonly remote = new Map<string, Set<string>>();
  /** Node -> its worker id, to forget it when the primary says that worker exited. */
  private readonly workerOf = new Map<string, number | null>();
  /** Rooms this node announced, with the other nodes' acknowledgement. */
  private readonly announced = new Map<string, Promise<void>>();
  /** Rooms held by a join in progress (announced though no socket may be in them yet). */
  private readonly holds = new Map<string, number>();
  private readonly worker = cluster.worker?.id ?? null;
  private readonly loose: Loose;

  constructor(
    private readonly io: AppServer,
    private readonly nodeId: string,
    /** Room events this node received from other nodes, by event name. */
    private readonly received: Counter<'event'>,
    private readonly log: Logger,
  ) {
    this.loose = io as unknown as Loose;
    const adapter = io.of('/').adapter;
    adapter.on('create-room', (room: unknown) => {
      if (isBroadcastRoom(room)) this.want(room);
    });
    adapter.on('delete-room', (room: unknown) => {
      if (isBroadcastRoom(room)) this.maybeWithdraw(room);
    });
    this.loose.on('room_interest', (raw: unknown, ack?: () => void) => {
      const m = InterestSchema.safeParse(raw);
      if (m.success && m.data.node !== nodeId) this.setInterest(m.data);
      if (typeof ack === 'function') ack();
    });
    this.loose.on('room_interest_sync', (raw: unknown) => {
      const m = SyncSchema.safeParse(raw);
      if (!m.success || m.data.node === nodeId || this.announced.size === 0) return;
      this.loose.serverSideEmit('room_interest', { node: nodeId, worker: this.worker, rooms: [...this.announced.keys()], on: true });
    });
    this.loose.on('room_relay', (raw: unknown) => {
      const m = RelaySchema.safeParse(raw);
      if (!m.success || !m.data.to.includes(nodeId)) return;
      this.received.inc({ event: m.data.event });
      this.deliver(m.data.rooms, m.data.event, m.data.payload);
    });
    process.on('message', this.onPrimaryMessage);
  }

  private readonly onPrimaryMessage = (m: unknown) => {
    const gone = m as { type?: unknown; workerId?: unknown } | null;
    if (!gone || gone.type !== WORKER_GONE || typeof gone.workerId !== 'number') return;
    for (const [node, worker] of this.workerOf) if (worker === gone.workerId) this.forget(node);
  };

  /** Asks the other nodes which rooms they hold (a node that starts knows nothing yet). */
  start(): void {
    this.loose.serverSideEmit('room_interest_sync', { node: this.nodeId });
  }

  close(): void {
    process.off('message', this.onPrimaryMessage);
  }

  /** To this node's sockets in any of `rooms` now, and to the other nodes that have sockets in them (each socket once). */
  emit(rooms: string[], event: string, payload: unknown): void {
    this.deliver(rooms, event, payload);
    let to: Set<string> | undefined;
    for (const room of rooms) {
      const nodes = this.remote.get(room);
      if (!nodes) continue;
      if (rooms.length === 1) to = nodes;
      else for (const n of nodes) (to ??= new Set()).add(n);
    }
    if (to && to.size > 0) this.loose.serverSideEmit('room_relay', { to: [...to], rooms, event, payload });
  }

  /**
   * Announces `room` before any socket of this node is in it, until `release`:
   * `ready` resolves once the other nodes know (or after ACK_WAIT_MS).
   */
  hold(room: string): { ready: Promise<void>; release(): void } {
    this.holds.set(room, (this.holds.get(room) ?? 0) + 1);
    const ready = this.want(room);
    let released = false;
    return {
      ready,
      release: () => {
        if (released) return;
        released = true;
        const n = (this.holds.get(room) ?? 1) - 1;
        if (n > 0) this.holds.set(room, n);
        else this.holds.delete(room);
        this.maybeWithdraw(room);
      },
    };
  }

  /** Resolves once the other nodes know this node wants `room` (at once if they already do). */
  ready(room: string): Promise<void> {
    return this.announced.get(room) ?? Promise.resolve();
  }

  /** Room -> how many other nodes want it (diagnostics and tests). */
  interest(): Map<string, number> {
    return new Map([...this.remote].map(([room, nodes]) => [room, nodes.size]));
  }

  private deliver(rooms: string[], event: string, payload: unknown): void {
    (this.io.local.to(rooms) as unknown as { emit(name: string, payload: unknown): boolean }).emit(event, payload);
  }

  private want(room: string): Promise<void> {
    let ready = this.announced.get(room);
    if (ready) return ready;
    const acked = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ACK_WAIT_MS);
      timer.unref();
      this.loose.serverSideEmit('room_interest', { node: this.nodeId, worker: this.worker, rooms: [room], on: true }, (err: Error | null) => {
        if (err) this.log.debug({ err, room }, 'not every node acknowledged a room');
        clearTimeout(timer);
        resolve();
      });
    });
    this.announced.set(room, (ready = acked));
    return ready;
  }

  private maybeWithdraw(room: string): void {
    if (!this.announced.has(room) || this.holds.has(room) || this.io.of('/').adapter.rooms.has(room)) return;
    this.announced.delete(room);
    this.loose.serverSideEmit('room_interest', { node: this.nodeId, worker: this.worker, rooms: [room], on: false });
  }

  private setInterest(m: z.infer<typeof InterestSchema>): void {
    this.workerOf.set(m.node, m.worker);
    for (const room of m.rooms) {
      let nodes = this.remote.get(room);
      if (m.on) {
        if (!nodes) this.remote.set(room, (nodes = new Set()));
        nodes.add(m.node);
      } else if (nodes) {
        nodes.delete(m.node);
        if (nodes.size === 0) this.remote.delete(room);
      }
    }
  }

  private forget(node: string): void {
    this.workerOf.delete(node);
    for (const [room, nodes] of this.remote) {
      nodes.delete(node);
      if (nodes.size === 0) this.remote.delete(room);
    }
  }
}

/**
 * Counts the room broadcasts the cluster adapter itself brings to this worker
 * (those not sent through a RoomRelay, e.g. `socket.to(room)`), by event.
 */
export function countAdapterBroadcasts(received: Counter<'event'>): () => void {
  const onMessage = (m: unknown) => {
    const msg = m as { source?: unknown; type?: unknown; data?: { packet?: { data?: unknown[] } } } | null;
    // MessageType.BROADCAST of socket.io-adapter's cluster adapter.
    if (msg?.source !== '_sio_adapter' || msg.type !== 3) return;
    const event = msg.data?.packet?.data?.[0];
    if (typeof event === 'string') received.inc({ event });
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}
