/**
 * The socket of the signed-in app: connecting with a fresh token, getting a
 * new one when the server refuses it (on connect, or when it expires while
 * connected), signing out after repeated refusals, retrying while the auth
 * server is unreachable, and the connection state the badge shows. The chat
 * store talks to the server only through this narrow interface.
 */
import type { ClientToServerEvents, ErrorEventPayload, ServerToClientEvents } from '../../../shared/protocol.ts';
import { SESSION_EXPIRED_NOTICE, type AuthStore } from '../stores/authStore.ts';
import type { AppSocket, SocketFactory } from './socket.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

export interface Connection {
  /** Opens the socket (once; a second call does nothing). */
  start(): void;
  /** Removes every listener and closes the socket. */
  stop(): void;
  /** Whether a socket exists (started and not stopped), connected or not. */
  readonly started: boolean;
  readonly connected: boolean;
  /** Emits and waits for the acknowledgement; rejects on timeout or when not connected in time. */
  /** `onAnswer` runs as the answer is read, before any packet after it (the promise resolves a tick later). */
  request<E extends keyof ClientToServerEvents>(event: E, payload: Payload<E>, timeoutMs: number, onAnswer?: () => void): Promise<unknown>;
  /** Listens to a server event for as long as the connection lives (registered on start). */
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): void;
}

export interface ConnectionDeps {
  auth: AuthStore;
  connectSocket: SocketFactory;
  now: () => number;
  /** Reconnection attempts shown as "reconnecting" before the state says "offline". */
  offlineAfterAttempts: number;
  onState(state: ConnectionState): void;
  onSid(sid: string | null): void;
  /** Connected (again). `recovered`: the server replayed what this client missed. */
  onConnected(recovered: boolean): void;
  /** An `error` event other than an expired token (run errors, rate limits…). */
  onError(payload: ErrorEventPayload): void;
}

const AUTH_FAILURES_BEFORE_SIGN_OUT = 3;

export function createConnection(deps: ConnectionDeps): Connection {
  let socket: AppSocket | null = null;
  /** The access token the current connection was opened with. */
  let handshakeToken: string | null = null;
  let authFailures = 0;
  let reauth: Promise<string | null> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const subscriptions: Array<[string, (...args: never[]) => void]> = [];

  function retryConnectLater(ms = 2000) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => socket?.connect(), ms);
  }

  /**
   * The server refused our token: a valid one, refreshed unless the app
   * already renewed it. Null when there is none (signed out, or the auth
   * server is unreachable: then it retries later).
   */
  function reauthenticate(): Promise<string | null> {
    reauth ??= (async () => {
      deps.onState('reconnecting');
      authFailures += 1;
      if (authFailures > AUTH_FAILURES_BEFORE_SIGN_OUT) {
        await deps.auth.getState().logout(SESSION_EXPIRED_NOTICE);
        return null;
      }
      try {
        // Usually the token was already renewed ahead of its expiry; only the socket still held the old one.
        const { accessToken, expiresAt } = deps.auth.getState();
        const renewed = accessToken && accessToken !== handshakeToken && (expiresAt ?? 0) > deps.now() + 5_000;
        return renewed ? accessToken : await deps.auth.getState().refresh(); // null: signed out, the app stops the chat
      } catch {
        deps.onState('offline');
        retryConnectLater();
        return null;
      }
    })().finally(() => {
      reauth = null;
    });
    return reauth;
  }

  /** Reconnects once a valid token is at hand; the socket must already be disconnected. */
  const reconnectWithFreshToken = () =>
    void reauthenticate().then((token) => {
      if (token) socket?.connect();
    });

  const listeners = {
    connect() {
      authFailures = 0;
      deps.onState('connected');
      deps.onConnected(socket?.recovered ?? false);
    },
    disconnect(reason: string) {
      deps.onSid(null);
      if (reason === 'io client disconnect') deps.onState('offline');
      else if (reason === 'io server disconnect') reconnectWithFreshToken();
      else deps.onState('reconnecting');
    },
    connect_error(err: Error) {
      if (err.message === 'authentication_required') {
        reconnectWithFreshToken();
        return;
      }
      if (!socket?.active) {
        deps.onState('offline');
        retryConnectLater();
      }
    },
    reconnect_attempt(attempt: number) {
      deps.onState(attempt > deps.offlineAfterAttempts ? 'offline' : 'reconnecting');
    },
    connection_established(p: { sid: string }) {
      deps.onSid(p.sid);
    },
    error(p: ErrorEventPayload) {
      if (p.type === 'authentication_required' && p.run_id === undefined) {
        // The server disconnects us next; have the new token ready by then.
        void reauthenticate();
        return;
      }
      deps.onError(p);
    },
  };

  return {
    get started() {
      return socket !== null;
    },
    get connected() {
      return socket?.connected ?? false;
    },

    start() {
      if (socket) return;
      const s = deps.connectSocket(async () => (handshakeToken = await deps.auth.getState().freshAccessToken()));
      socket = s;
      s.on('connect', listeners.connect);
      s.on('disconnect', listeners.disconnect);
      s.on('connect_error', listeners.connect_error);
      s.on('connection_established', listeners.connection_established);
      s.on('error', listeners.error);
      for (const [event, listener] of subscriptions) s.on(event as never, listener as never);
      s.io.on('reconnect_attempt', listeners.reconnect_attempt);
      deps.onState('connecting');
      s.connect();
    },

    stop() {
      clearTimeout(retryTimer);
      if (socket) {
        socket.off();
        socket.io.off('reconnect_attempt', listeners.reconnect_attempt);
        socket.disconnect();
        socket = null;
      }
      authFailures = 0;
    },

    async request(event, payload, timeoutMs, onAnswer) {
      if (!socket) throw new Error('Not connected');
      const timed = socket.timeout(timeoutMs) as unknown as { emit(e: string, p: unknown, ack: (err: Error | null, answer: unknown) => void): void };
      return new Promise((resolve, reject) =>
        timed.emit(event, payload, (err, answer) => {
          if (err) return reject(err);
          onAnswer?.();
          resolve(answer);
        }),
      );
    },

    on(event, listener) {
      subscriptions.push([event, listener as (...args: never[]) => void]);
      socket?.on(event as never, listener as never);
    },
  };
}
