import type { Socket } from 'socket.io';
import { bearerToken, TokenError, type TokenSigner } from '../auth/tokens.ts';
import { tokenStillValid, type TokenVersions } from '../auth/tokenVersions.ts';
import type { Logger } from '../logger.ts';
import type { AppSocket } from './types.ts';

export const AUTH_REQUIRED = 'authentication_required';

/** Guests hold no token, so nothing expires. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface SocketAuthDeps {
  signer: TokenSigner;
  versions: TokenVersions;
  now(): number;
  allowGuests: boolean;
  /** Creates the account a token-less guest chats under (only with ALLOW_GUESTS). */
  createGuest(address: string): Promise<{ id: string; email: string; name: string }>;
  log: Logger;
}

/** `connect_error` whose message is `authentication_required`; `data` says why. */
function refused(reason: string): Error & { data: { type: string; message: string } } {
  return Object.assign(new Error(AUTH_REQUIRED), { data: { type: AUTH_REQUIRED, message: reason } });
}

function handshakeToken(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return fromAuth;
  const header = socket.handshake.headers.authorization;
  return bearerToken(typeof header === 'string' ? header : undefined);
}

/**
 * `io.use` middleware: the handshake must carry a valid access token (or, with
 * ALLOW_GUESTS, none at all). It also runs for a socket whose state was
 * recovered after a drop, which must still belong to the same user.
 */
export function socketAuth(deps: SocketAuthDeps) {
  return async (socket: AppSocket, next: (err?: Error) => void) => {
    const token = handshakeToken(socket);
    const restored = socket.recovered ? socket.data.user : undefined;
    if (!token) {
      if (restored && socket.data.guest) return next();
      if (!deps.allowGuests) return next(refused('Sign in to connect (no access token)'));
      try {
        socket.data.user = await deps.createGuest(socket.handshake.address);
        socket.data.guest = true;
        socket.data.tokenExpiresAt = NEVER;
        return next();
      } catch (err) {
        if (err instanceof GuestLimitError) return next(Object.assign(new Error('rate_limit'), { data: { type: 'rate_limit', message: err.message } }));
        deps.log.error({ err }, 'could not create a guest');
        return next(new Error('processing_error'));
      }
    }
    try {
      const claims = deps.signer.verify(token);
      if (restored && restored.id !== claims.sub) return next(refused('This connection belongs to another user'));
      // A recovered socket must pass synchronously: Socket.IO took its missed packets
      // before the middlewares and rejoins its rooms only after them, so an await here
      // loses what the rooms receive meanwhile. Its version is checked right after the
      // connection instead (enforceTokenVersion).
      if (!restored && !(await tokenStillValid(deps.versions, claims.sub, claims.ver))) return next(refused(REVOKED_MESSAGE));
      socket.data.user = { id: claims.sub, email: claims.email, name: claims.name };
      socket.data.guest = false;
      socket.data.tokenExpiresAt = claims.exp * 1000;
      socket.data.tokenVersion = claims.ver ?? 0;
      next();
    } catch (err) {
      if (!(err instanceof TokenError)) return next(err as Error);
      next(refused(err.reason === 'expired' ? 'Your access token has expired; refresh it' : 'Your access token is not valid'));
    }
  };
}

const REVOKED_MESSAGE = 'You signed out or changed your password; sign in again';

/** Sends `error` authentication_required, then closes the socket once the packet is out. */
export function endForAuthentication(socket: AppSocket, message: string): void {
  if (!socket.connected) return;
  socket.emit('error', { type: AUTH_REQUIRED, message });
  setImmediate(() => socket.disconnect(true));
}

/**
 * Refuses every event of a socket whose token was revoked (logout, password
 * change) since it connected. Checks run one after another so events keep
 * their order even when a check has to read the database.
 */
export function enforceTokenVersion(socket: AppSocket, versions: TokenVersions, log: Logger): void {
  if (socket.data.guest) return;
  if (socket.recovered) {
    void tokenStillValid(versions, socket.data.user.id, socket.data.tokenVersion).then(
      (valid) => valid || endForAuthentication(socket, REVOKED_MESSAGE),
      (err) => log.warn({ err }, 'could not check the token version'),
    );
  }
  let chain: Promise<unknown> = Promise.resolve();
  socket.use((_packet, next) => {
    chain = chain.then(async () => {
      let valid: boolean;
      try {
        valid = await tokenStillValid(versions, socket.data.user.id, socket.data.tokenVersion);
      } catch (err) {
        // The database is unreachable: the event's own handler reports that better than a sign-out would.
        log.warn({ err }, 'could not check the token version');
        valid = true;
      }
      if (valid) return next();
      log.info('access token revoked; closing the socket');
      endForAuthentication(socket, REVOKED_MESSAGE);
    });
  });
}

/** Closes this process's sockets of a user whose tokens older than `version` were just revoked. */
export function closeRevokedSockets(sockets: Iterable<AppSocket>, userId: string, version: number): void {
  for (const socket of sockets) {
    if (socket.data.guest || socket.data.user?.id !== userId) continue;
    if ((socket.data.tokenVersion ?? 0) < version) endForAuthentication(socket, REVOKED_MESSAGE);
  }
}

/** ALLOW_GUESTS: too many guest accounts from one address. */
export class GuestLimitError extends Error {}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends the socket with an `error` of type authentication_required once its
 * access token expires, so the client refreshes and reconnects. Checked on a
 * timer and on every incoming event (the clock may run ahead of timers).
 */
export function enforceTokenExpiry(socket: AppSocket, now: () => number, log: Logger): void {
  let timer: NodeJS.Timeout | undefined;
  const expired = () => now() >= socket.data.tokenExpiresAt;
  const end = () => {
    if (!socket.connected) return;
    log.info('access token expired; closing the socket');
    endForAuthentication(socket, 'Your access token has expired; refresh it and reconnect');
  };
  const arm = () => {
    if (socket.data.tokenExpiresAt >= NEVER) return;
    timer = setTimeout(() => (expired() ? end() : arm()), Math.min(MAX_TIMER_MS, Math.max(0, socket.data.tokenExpiresAt - now())));
    timer.unref();
  };
  arm();
  socket.use((_packet, next) => {
    if (!expired()) return next();
    end();
  });
  socket.on('disconnect', () => clearTimeout(timer));
}
