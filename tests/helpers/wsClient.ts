/** A plain WebSocket client (the `ws` package) for the ws://host:port/ protocol, with waiters like EventLog. */
import WebSocket from 'ws';
import { WsServerMessageSchema } from '../../shared/wsProtocol.ts';

export type WsMessage = { event: string; [key: string]: any };

export class WsClient {
  readonly messages: WsMessage[] = [];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ match: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void; timer: NodeJS.Timeout }> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as WsMessage;
      // Every message the server sends is valid by the protocol's own schemas.
      WsServerMessageSchema.parse(message);
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true;
        clearTimeout(w.timer);
        w.resolve(message);
        return false;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  waitFor(match: (m: WsMessage) => boolean, timeoutMs = 15_000, what = 'message'): Promise<WsMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out waiting for ${what}; received: ${this.messages.map((m) => m.event).join(', ')}`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, timer });
    });
  }

  /** The next message of an event after those already received (count = how many of it came before). */
  next(event: string, where: (m: WsMessage) => boolean = () => true, timeoutMs = 15_000): Promise<WsMessage> {
    const before = this.messages.filter((m) => m.event === event && where(m)).length;
    let seen = 0;
    return this.waitFor((m) => m.event === event && where(m) && ++seen > before, timeoutMs, event);
  }

  ofRun(runId: string): WsMessage[] {
    return this.messages.filter((m) => m.run_id === runId);
  }

  /** Waits for the run's terminal message: final_answer, interrupted or error. */
  ended(runId: string, timeoutMs = 20_000): Promise<WsMessage> {
    return this.waitFor(
      (m) => m.run_id === runId && ['agent.final_answer', 'agent.interrupted', 'agent.error'].includes(m.event),
      timeoutMs,
      `end of run ${runId}`,
    );
  }

  close(): void {
    this.ws.close();
  }
}

/** Opens a connection to ws://… (the test server's http URL works too) and waits for system.connected. */
export async function connectWs(url: string, opts: { token?: string; query?: string; expectConnected?: boolean } = {}): Promise<WsClient> {
  const target = url.replace(/^http/, 'ws') + (opts.query ? `/?${opts.query}` : '/');
  const ws = new WebSocket(target, opts.token ? { headers: { authorization: `Bearer ${opts.token}` } } : {});
  const client = new WsClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  if (opts.expectConnected !== false) await client.waitFor((m) => m.event === 'system.connected' || m.event === 'auth.error', 10_000, 'system.connected');
  return client;
}

/** Creates a session over the connection and returns its id. */
export async function createWsSession(client: WsClient, agent?: string): Promise<string> {
  const created = client.next('agent.session_created');
  client.send({ event: 'user.create_session', ...(agent ? { agent } : {}) });
  return (await created).session_id as string;
}

/** Sends a message and waits for its run_started; returns the run id. */
export async function askWs(client: WsClient, sessionId: string, content: string, extra: Record<string, unknown> = {}): Promise<string> {
  const started = client.next('agent.run_started', (m) => m.session_id === sessionId);
  client.send({ event: 'user.message', session_id: sessionId, content, ...extra });
  return (await started).run_id as string;
}
