import path from 'node:path';
import { z } from 'zod';
import { MultitaskStrategySchema } from '../shared/protocol.ts';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(20),
  DATABASE_POOL_WARM: z.coerce.number().int().min(0).max(1000).optional(),
  REDIS_URL: z.string().url().optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(5).default(15 * 60),
  REFRESH_TOKEN_TTL_S: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  DEMO_DATA: flag.default(true),
  DEMO_EMAIL: z.email().default('demo@agentwire.local'),
  DEMO_PASSWORD: z.string().min(8).default('agentwire-demo'),
  DEMO_TIMEZONE: z.string().optional(),
  LLM_PROVIDER: z.enum(['local', 'openai']).default('local'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  LLM_MODEL: z.string().default('gpt-4o-mini'),
  TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  DOUBLE_TEXT_STRATEGY: MultitaskStrategySchema.default('enqueue'),
  ALLOW_GUESTS: flag.default(false),
  GUESTS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  AGENT_DEBUG: flag.optional(),
  RATE_LIMIT_MESSAGES: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
  HANDLER_CACHE_MAX: z.coerce.number().int().min(1).default(1000),
  HANDLER_IDLE_TTL_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
  MAX_HTTP_BUFFER_BYTES: z.coerce.number().int().min(1024).default(64 * 1024),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(256)]).default(1),
  CLUSTER_LEASE_MS: z.coerce.number().int().min(300).default(10_000),
  RUN_LOG_RETENTION_S: z.coerce.number().int().min(0).default(3600),
  MAIL_SECRET_KEY: z.string().min(16, 'MAIL_SECRET_KEY must be at least 16 characters (64 hex or 32 bytes base64 preferred)').optional(),
  MAIL_SYNC_POLL_INTERVAL_S: z.coerce.number().int().min(5).default(300),
  MAIL_SYNC_RETRY_DELAY_S: z.coerce.number().int().min(1).default(5),
  MAIL_SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  MAIL_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  MAIL_WATCH_STANDBY_MS: z.coerce.number().int().min(100).default(15_000),
  JOBS: flag.default(true),
});

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {}

/** Reads and validates the environment once; everything else receives the result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  // `FOO=` (as docker compose passes an unset `${FOO:-}`) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.LLM_PROVIDER === 'openai' && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    throw new ConfigError('LLM_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)');
  }
  return {
    env: e.NODE_ENV,
    isDevelopment: e.NODE_ENV === 'development',
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    /** Connections of this process's main pool (Prisma and the runs' statements); see connectionBudget.ts for the rest. */
    databasePoolMax: e.DATABASE_POOL_MAX,
    /** Main-pool connections opened and prepared at start and kept open while idle (default: all of them). */
    databasePoolWarm: Math.min(e.DATABASE_POOL_WARM ?? e.DATABASE_POOL_MAX, e.DATABASE_POOL_MAX),
    redisUrl: e.REDIS_URL,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlS: e.ACCESS_TOKEN_TTL_S,
    refreshTokenTtlS: e.REFRESH_TOKEN_TTL_S,
    demo: {
      enabled: e.DEMO_DATA,
      email: e.DEMO_EMAIL.toLowerCase(),
      password: e.DEMO_PASSWORD,
      timezone: e.DEMO_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
    },
    llm: {
      provider: e.LLM_PROVIDER,
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.LLM_MODEL,
    },
    toolTimeoutMs: e.TOOL_TIMEOUT_MS,
    doubleTextStrategy: e.DOUBLE_TEXT_STRATEGY,
    allowGuests: e.ALLOW_GUESTS,
    guestsPerAddressPerHour: e.GUESTS_PER_ADDRESS_PER_HOUR,
    agentDebug: e.AGENT_DEBUG ?? e.NODE_ENV === 'development',
    rateLimit: { messages: e.RATE_LIMIT_MESSAGES, windowS: e.RATE_LIMIT_WINDOW_S },
    handlerCache: { max: e.HANDLER_CACHE_MAX, idleTtlMs: e.HANDLER_IDLE_TTL_MS },
    maxHttpBufferBytes: e.MAX_HTTP_BUFFER_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    /** Server processes on this machine (node:cluster); 'auto' is one per CPU core. */
    workers: e.WORKERS,
    cluster: { leaseMs: e.CLUSTER_LEASE_MS, runLogRetentionS: e.RUN_LOG_RETENTION_S },
    mail: {
      secretKey: e.MAIL_SECRET_KEY,
      pollIntervalS: e.MAIL_SYNC_POLL_INTERVAL_S,
      retryDelayS: e.MAIL_SYNC_RETRY_DELAY_S,
      batchSize: e.MAIL_SYNC_BATCH_SIZE,
      connectTimeoutMs: e.MAIL_CONNECT_TIMEOUT_MS,
      /** How soon another process takes over a mailbox's IDLE connection when its holder is gone. */
      watchStandbyMs: e.MAIL_WATCH_STANDBY_MS,
    },
    /** Background jobs (mail sync, nightly reports) in this process; needs the database URL. */
    jobs: e.JOBS,
  };
}
