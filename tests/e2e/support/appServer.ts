/**
 * The real server, in-process on a random port, serving the production build
 * of the web app made by tests/e2e/setup/buildWeb.ts.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import path from 'node:path';
import express from 'express';
import { inject } from 'vitest';
import type { Db } from '../../../server/data/prisma.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../../helpers/server.ts';

const API_OR_SOCKET = /^\/(api|socket\.io|health|metrics)(\/|$|\?)/;

/**
 * createServer serves web/dist (the working tree's build) and takes no other
 * directory; the tests must not overwrite that build, so the temp build is
 * served in front of the app: the same static files and app-shell fallback
 * as server/http/app.ts, everything else handed to the server's own listener.
 */
function serveWebBuild(server: TestServer, webDist: string) {
  const web = express();
  web.use(express.static(webDist, { index: false }));
  web.get(/.*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(webDist, 'index.html'));
  });
  const http = server.server.httpServer;
  const original = http.listeners('request') as RequestListener[];
  http.removeAllListeners('request');
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && !API_OR_SOCKET.test(req.url ?? '/')) return web(req, res);
    for (const listener of original) listener.call(http, req, res);
  });
}

export async function startAppServer(db: Db, opts: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer(db, opts);
  serveWebBuild(server, inject('webDist'));
  return server;
}
