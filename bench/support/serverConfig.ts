import { loadConfig, type Config } from '../../server/config.ts';

/**
 * The configuration of a server the bench runs in its own process: production, silent, on a free port, no demo
 * data. DATABASE_POOL_WARM from the environment is passed on (DATABASE_POOL_WARM=0: a server whose connections
 * open and prepare on first use, as before the warm-up).
 */
export function benchServerConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256!!',
    DEMO_DATA: '0',
    ...(process.env.DATABASE_POOL_WARM !== undefined ? { DATABASE_POOL_WARM: process.env.DATABASE_POOL_WARM } : {}),
    ...env,
  });
}
