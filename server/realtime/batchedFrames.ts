import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';

/** What this module touches of engine.io's WebSocket transport and the `ws` socket under it. */
interface WebSocketTransport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: NetSocket };
}

const BATCHED = Symbol('agentwire.batchedFrames');

/**
 * While a WebSocket frame is being written, engine.io keeps the packets that
 * come after it and sends them together once the write is done, but still
 * one frame and one system call each. Here the connection is corked around
 * that send, so the kernel gets every one of those frames in a single write
 * (the same bytes, in the same order, no later: nothing waits that engine.io
 * did not already hold back). It matters when many events reach one socket
 * at once: a user's tabs each get every `session_updated` and `run_finished`
 * of that user, so 100 sessions of one user starting together meant 100 × 100
 * frames, each its own system call.
 */
export function batchFramesPerWrite(io: Server): void {
  io.engine.on('connection', (socket: { transport: WebSocketTransport; on(event: 'upgrade', fn: (t: WebSocketTransport) => void): void }) => {
    batch(socket.transport);
    socket.on('upgrade', batch);
  });
}

function batch(transport: WebSocketTransport & { [BATCHED]?: true }): void {
  // Long polling answers each batch in one HTTP response already; `_socket` is the `ws` socket's connection (ws 8).
  const connection = transport.name === 'websocket' ? transport.socket?._socket : undefined;
  if (!connection || transport[BATCHED]) return;
  transport[BATCHED] = true;
  const send = transport.send.bind(transport);
  transport.send = (packets) => {
    if (packets.length < 2) return send(packets);
    connection.cork();
    try {
      send(packets);
    } finally {
      connection.uncork();
    }
  };
}
