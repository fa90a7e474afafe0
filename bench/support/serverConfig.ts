import { loadConfig, type Config } from '../../server/config.ts';

/** The configuration of a server the bench runs in its own process: production, silent, on a free port, no demo data. */
export function benchServerConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256!!',
    DEMO_DATA: '0',
    ...env,
  });
}
