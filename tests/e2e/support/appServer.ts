/**
 * The real server, in-process on a random port, serving the production build
 * of the web app made by tests/e2e/setup/buildWeb.ts (a temp directory, so
 * the tests never overwrite the working tree's web/dist).
 */
import { inject } from 'vitest';
import type { Db } from '../../../server/data/prisma.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../../helpers/server.ts';

export function startAppServer(db: Db, opts: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer(db, { ...opts, webDist: inject('webDist') });
}
