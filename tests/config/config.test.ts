import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('configuration', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      databasePoolMax: 20,
      doubleTextStrategy: 'enqueue',
      allowGuests: false,
      llm: { provider: 'local' },
      demo: { enabled: true, email: 'demo@agentwire.local', password: 'agentwire-demo' },
    });
    expect(c.dataDir).toMatch(/\.data$/);
  });

  it('treats empty variables as unset (docker compose passes `${X:-}` as "")', () => {
    const c = loadConfig({ JWT_SECRET: '', OPENAI_BASE_URL: '', DATABASE_URL: '', DEMO_DATA: '' });
    expect(c.jwtSecret).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demo.enabled).toBe(true);
  });

  it('names every invalid variable in one error', () => {
    const env = { PORT: 'eighty', JWT_SECRET: 'short', DOUBLE_TEXT_STRATEGY: 'panic', DATABASE_POOL_MAX: '0' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as Error).message).toMatch(/DATABASE_POOL_MAX/);
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/JWT_SECRET/);
      expect((err as Error).message).toMatch(/DOUBLE_TEXT_STRATEGY/);
    }
  });

  it('requires a key or a base URL for the OpenAI provider', () => {
    expect(() => loadConfig({ LLM_PROVIDER: 'openai' })).toThrow(/OPENAI_API_KEY/);
    expect(loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).llm.baseUrl).toBe(
      'http://127.0.0.1:11434/v1',
    );
  });
});
