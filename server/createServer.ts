import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createAuthService } from './auth/authService.ts';
import { createTokenSigner } from './auth/tokens.ts';
import type { Config } from './config.ts';
import type { Db } from './data/prisma.ts';
import { createHttpApp } from './http/app.ts';
import type { Logger } from './logger.ts';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface ServerDeps {
  db: Db;
  log: Logger;
  jwtSecret: string;
  clock?: Clock;
}

export interface AgentwireServer {
  app: Express;
  httpServer: http.Server;
  /** Starts listening on config.host:config.port (0 = a free port). */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops accepting, drains, and closes everything this server opened (not the database). */
  close(): Promise<void>;
}

export async function createServer(config: Config, deps: ServerDeps): Promise<AgentwireServer> {
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const signer = createTokenSigner(deps.jwtSecret, config.accessTokenTtlS, now);
  const auth = createAuthService({ db: deps.db, signer, refreshTtlS: config.refreshTokenTtlS, now });
  const app = createHttpApp({ config, log: deps.log, db: deps.db, auth, signer });
  const httpServer = http.createServer(app);

  return {
    app,
    httpServer,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve({ url: `http://${host}:${port}`, port });
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  };
}
