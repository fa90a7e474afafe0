/**
 * Frames that wait behind a write leave together: the same events, in the
 * same order, in far fewer writes to the connection.
 */
import http from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { batchFramesPerWrite } from '../../server/realtime/batchedFrames.ts';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

/** A Socket.IO server (batched or not) and one websocket client; counts the writes to the client's connection. */
async function setUp(batched: boolean) {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  if (batched) batchFramesPerWrite(io);
  let writes = 0;
  io.engine.on('connection', (socket: { transport: { socket: { _socket: NetSocket } } }) => {
    const connection = socket.transport.socket._socket as NetSocket & { _writeGeneric: (...a: unknown[]) => unknown };
    const writeGeneric = connection._writeGeneric.bind(connection);
    connection._writeGeneric = (...a: unknown[]) => {
      writes++;
      return writeGeneric(...a);
    };
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const joined = new Promise<import('socket.io').Socket>((resolve) => io.once('connection', resolve));
  const client: Socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const [server] = await Promise.all([joined, new Promise<void>((resolve) => client.once('connect', () => resolve()))]);
  server.join('room');
  open.push(async () => {
    client.disconnect();
    await io.close();
  });
  return { io, server, client, writes: () => writes };
}

/** 200 events at once, direct and to a room, some large; resolves with what the client got, in order. */
async function burst(t: Awaited<ReturnType<typeof setUp>>) {
  const got: string[] = [];
  const all = new Promise<void>((resolve) => {
    t.client.on('e', (n: number, body: string) => {
      got.push(`${n}:${body.length}`);
      if (got.length === 200) resolve();
    });
  });
  // The client has its CONNECT packet: nothing else is being written to it.
  const before = t.writes();
  for (let n = 0; n < 200; n++) {
    const body = n % 50 === 7 ? 'x'.repeat(100_000) : `event ${n}`;
    if (n % 2) t.io.to('room').emit('e', n, body);
    else t.server.emit('e', n, body);
  }
  await all;
  return { got, writes: t.writes() - before };
}

describe('frames written to one connection at once', () => {
  it('arrive complete and in order, in a few writes rather than one per frame', async () => {
    const plain = await burst(await setUp(false));
    const batched = await burst(await setUp(true));
    const expected = Array.from({ length: 200 }, (_, n) => `${n}:${n % 50 === 7 ? 100_000 : `event ${n}`.length}`);
    expect(plain.got).toEqual(expected);
    expect(batched.got).toEqual(expected);
    // Engine.io writes the first frame at once and holds the rest until that write is done; they then go together.
    expect(plain.writes).toBeGreaterThanOrEqual(200);
    expect(batched.writes).toBeLessThanOrEqual(5);
  });
});
