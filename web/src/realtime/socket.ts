import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/protocol.ts';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type SocketFactory = (getToken: () => Promise<string | null>) => AppSocket;

/**
 * A socket to the gateway, not yet connected. The token is read on every
 * (re)connection attempt, so a refreshed token is used without a new socket.
 */
export function createSocketFactory(url?: string): SocketFactory {
  return (getToken) =>
    io(url ?? '', {
      path: '/socket.io',
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      auth: (cb) => {
        getToken().then(
          (token) => cb({ token: token ?? '' }),
          () => cb({ token: '' }),
        );
      },
    });
}
