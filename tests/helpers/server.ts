import { loadConfig, type Config } from '../../server/config.ts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { createServer, type AgentwireServer } from '../../server/createServer.ts';
import type { Clock } from '../../server/time/clock.ts';
import { createLogger } from '../../server/logger.ts';
import { mailAssistant } from '../../agents/mail/agent.ts';
import type { AgentDefinition } from '../../server/agent/defineAgent.ts';
import type { Db } from '../../server/data/prisma.ts';
import { databaseUrlOf } from './database.ts';
import type { Logger } from '../../server/logger.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!!';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    DEMO_DATA: '0',
    MAIL_SECRET_KEY: 'test-mail-secret-key-0123456789abcdef',
    // Two, not the whole pool: the warm-up runs at every server start of the suite (tests/data/connectionBudget.test.ts warms all).
    DATABASE_POOL_WARM: '2',
    ...env,
  });
}

export interface TestServer {
  server: AgentwireServer;
  url: string;
  config: Config;
  /** Closes without a grace period: active runs are interrupted and stored before it resolves. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** The model behind the mail assistant: a ScriptedChatModel (tests/helpers/scriptedModel.ts). */
  chatModel?: BaseChatModel;
  /** The agents to serve instead of the mail assistant (the first is the default). */
  agents?: AgentDefinition[];
  redisStreamName?: string;
  /** The built web app to serve (default: web/dist). */
  webDist?: string;
  /** The test database's URL: turns on background jobs (mail sync, nightly reports). */
  databaseUrl?: string;
  /** Default: a logger at TEST_LOG_LEVEL (silent). */
  log?: Logger;
}

/** A whole server in-process on a random port, over the given database. */
export async function startTestServer(db: Db, opts: TestServerOptions = {}): Promise<TestServer> {
  const config = testConfig(opts.env);
  const log = opts.log ?? createLogger(config.logLevel);
  const server = await createServer(config, {
    db,
    nodeLockUrl: opts.databaseUrl ?? databaseUrlOf(db),
    log,
    jwtSecret: TEST_JWT_SECRET,
    agents: opts.agents ?? [mailAssistant],
    clock: opts.clock,
    chatModel: opts.chatModel,
    redisStreamName: opts.redisStreamName,
    webDist: opts.webDist,
    databaseUrl: opts.databaseUrl,
  });
  const { url } = await server.listen();
  return { server, url, config, close: () => server.close({ graceMs: 0 }) };
}
