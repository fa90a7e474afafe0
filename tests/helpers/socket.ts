import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  ConnectionEstablishedSchema,
  RunDiscardedSchema,
  RunDroppedSchema,
  RunEventSchemas,
  SelectBranchPayloadSchema,
  UserEventSchemas,
  type ClientToServerEvents,
  type ConnectionEstablished,
  type JoinSessionAck,
  type RunEvent,
  type ServerToClientEvents,
  type UserMessageAck,
  type UserMessagePayload,
} from '../../shared/protocol.ts';
import type { z } from 'zod';
import { ErrorBodySchema } from '../../shared/errors.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client socket to the test server; websocket only, no automatic reconnection unless asked. */
export function connectSocket(
  url: string,
  opts: { token?: string } & Partial<ManagerOptions & SocketOptions> = {},
): ClientSocket {
  const { token, ...rest } = opts;
  return io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(token !== undefined ? { auth: { token } } : {}),
    ...rest,
  });
}

/** Resolves with connection_established; rejects with the connect_error. */
export function established(socket: ClientSocket, timeoutMs = 5_000): Promise<ConnectionEstablished> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connection_established')), timeoutMs);
    socket.once('connection_established', (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Connects and waits for connection_established. */
export async function connectUser(url: string, token: string, opts: Partial<ManagerOptions & SocketOptions> = {}) {
  const socket = connectSocket(url, { token, ...opts });
  const hello = await established(socket);
  return Object.assign(socket, { hello }) as ClientSocket & { hello: ConnectionEstablished };
}

/** The connect_error a handshake fails with. */
export function connectError(socket: ClientSocket, timeoutMs = 5_000): Promise<Error & { data?: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect_error')), timeoutMs);
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
    socket.once('connection_established', () => {
      clearTimeout(timer);
      reject(new Error('connected, but a connect_error was expected'));
    });
  });
}

export function sendMessage(socket: ClientSocket, payload: UserMessagePayload): Promise<UserMessageAck> {
  return socket.timeout(10_000).emitWithAck('user_message', payload);
}

export function joinSession(socket: ClientSocket, sessionId: string): Promise<JoinSessionAck> {
  return socket.timeout(10_000).emitWithAck('join_session', { session_id: sessionId });
}

export type Received = { type: string; payload: any };

const EVENT_SCHEMAS: Record<string, z.ZodType> = {
  ...RunEventSchemas,
  ...UserEventSchemas,
  // A run's error, or one about the connection itself (its token revoked): ErrorEventPayload.
  error: RunEventSchemas.error.or(ErrorBodySchema),
  connection_established: ConnectionEstablishedSchema,
  run_discarded: RunDiscardedSchema,
  run_dropped: RunDroppedSchema,
  branch_selected: SelectBranchPayloadSchema,
};

/**
 * Everything a socket receives, in order, with waiters: `waitFor` resolves at
 * the first matching event (already received or future).
 */
export class EventLog {
  readonly events: Received[] = [];
  private waiters: Array<{ match: (e: Received) => boolean; resolve: (e: Received) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }> = [];

  constructor(socket: ClientSocket) {
    socket.onAny((type: string, payload: unknown) => {
      // Every event is one the web app accepts (it drops what its schemas refuse, e.g. null for an optional field).
      const schema = EVENT_SCHEMAS[type];
      if (schema) {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) throw new Error(`${type} breaks its schema: ${parsed.error.message}\n${JSON.stringify(payload)}`);
      }
      const event = { type, payload };
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(event)) return true;
        clearTimeout(w.timer);
        w.resolve(event);
        return false;
      });
    });
  }

  waitFor(match: (e: Received) => boolean, timeoutMs = 10_000, what = 'event'): Promise<Received> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out waiting for ${what}; received: ${this.events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, reject, timer });
    });
  }

  /** Waits for the run's conversation_complete. */
  completed(runId: string, timeoutMs = 15_000) {
    return this.waitFor((e) => e.type === 'conversation_complete' && e.payload.run_id === runId, timeoutMs, `completion of ${runId}`);
  }

  /**
   * Waits until the run's answer so far holds `text` (the server sends the tokens that gather while a chunk
   * is being stored as one chunk, so a token is not always a chunk of its own).
   */
  streamed(runId: string, text: string, timeoutMs = 10_000): Promise<Received> {
    const answerSoFar = () =>
      this.events
        .filter((e) => e.type === 'agent_response_chunk' && e.payload.run_id === runId)
        .map((e) => e.payload.delta as string)
        .join('');
    return this.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === runId && answerSoFar().includes(text), timeoutMs, `"${text}" in ${runId}`);
  }

  /** Events of one run, in arrival order. */
  ofRun(runId: string): Received[] {
    return this.events.filter((e) => e.payload?.run_id === runId && e.payload?.seq !== undefined);
  }

  types(runId: string): string[] {
    return this.ofRun(runId).map((e) => e.type);
  }
}

/** Run events in seq order as RunEvent values (as join_session's snapshot holds them). */
export function asRunEvents(received: Received[]): RunEvent[] {
  return received.map((e) => ({ type: e.type, payload: e.payload }) as RunEvent).sort((a, b) => a.payload.seq - b.payload.seq);
}
