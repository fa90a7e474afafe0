/**
 * `npx agentwire serve` as a newcomer runs it, in its own process: the
 * start-up lines, the seed's own Python and JavaScript clients (unchanged)
 * against examples/weather.ts, a 20-line agent file written outside the
 * repository, folders, clear load errors, tokens on a public host, and
 * `npm run chat -- --agent`.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../shared/protocol.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { askWs, connectWs, createWsSession } from '../helpers/wsClient.ts';
import { AgentFileError, loadAgentFile } from '../../server/cli/agentFiles.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin/agentwire.mjs');
const CLIENTS = path.join(ROOT, 'tests/fixtures/seed-clients');
const FIXTURES = path.join(ROOT, 'tests/fixtures/agents');
const DEBIAN_PYTHON = '/usr/bin/python3';
const hasPythonWebsockets = spawnSync(DEBIAN_PYTHON, ['-c', 'import websockets'], { stdio: 'ignore' }).status === 0;

// Each test starts Node with tsx: seconds on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

let t: TestDatabase;
let outside: string;
const running: ChildProcess[] = [];

function env(extra: Record<string, string> = {}) {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.url, NODE_ENV: 'test', LLM_PROVIDER: 'local', ...extra };
}

interface Served {
  child: ChildProcess;
  stdout: () => string;
  wsUrl: string;
  httpUrl: string;
}

/** Starts `agentwire serve …` and resolves once it prints its listening line. */
function serve(args: string[], opts: { cwd?: string } = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0'], { cwd: opts.cwd ?? ROOT, env: env() });
  running.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}\n${err}`)), 60_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (ws:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const wsUrl = m[1]!;
        resolve({ child, stdout: () => out, wsUrl, httpUrl: wsUrl.replace(/^ws/, 'http') });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}\n${err}`));
    });
  });
}

async function stop(served: Served): Promise<number | null> {
  if (served.child.exitCode !== null) return served.child.exitCode;
  const exited = new Promise<number | null>((resolve) => served.child.once('exit', (code) => resolve(code)));
  served.child.kill('SIGTERM');
  return exited;
}

/** Runs `agentwire serve` expecting it to fail at start. */
function failing(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'serve', ...args, '--port', '0'], { cwd: ROOT, env: env(), encoding: 'utf8', timeout: 60_000 });
}

const NEWCOMER_AGENT = `import { defineAgent, tool, z } from 'agentwire';

const lookup = tool(
  async ({ word }) => ({ word, letters: word.length, summary: \`"\${word}" has \${word.length} letters.\` }),
  {
    name: 'count_letters',
    description: 'Count the letters of a word.',
    schema: z.object({ word: z.string().describe('The word') }),
  },
);

export const agent = defineAgent({
  name: 'letter-counter',
  description: 'Counts letters.',
  systemPrompt: 'You count letters with count_letters.',
  tools: [lookup],
  maxSteps: 3,
});
`;

beforeAll(async () => {
  t = await createTestDatabase();
  outside = mkdtempSync(path.join(os.tmpdir(), 'agentwire-newcomer-'));
  writeFileSync(path.join(outside, 'my_agent.ts'), NEWCOMER_AGENT);
});

afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(outside, { recursive: true, force: true });
  await t?.drop();
});

describe('agentwire serve examples/weather.ts', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(['examples/weather.ts']);
  }, 90_000);
  afterAll(async () => {
    if (served) expect(await stop(served)).toBe(0);
  });

  it("prints the seed's three start-up lines", () => {
    const lines = served.stdout().split('\n');
    expect(lines[0]).toBe(`📂 Loading agent file: ${path.join(ROOT, 'examples/weather.ts')}`);
    expect(lines[1]).toMatch(/^✅ Agent loaded: weather-assistant \(1 tool: get_weather\)$/);
    expect(lines[2]).toMatch(/^🚀 Agentwire WebSocket server listening on ws:\/\/localhost:\d+$/);
  });

  it.skipIf(!hasPythonWebsockets)("the seed's Python client, unchanged, gets a final answer", async () => {
    const { stdout } = await promisify(execFile)(DEBIAN_PYTHON, [path.join(CLIENTS, 'run_python_client.py'), served.wsUrl], { timeout: 30_000 });
    expect(stdout).toContain('Connected to MyAgent WebSocket');
    expect(stdout).toMatch(/Final answer: 上海今天.+°C/);
  });

  it("the seed's JavaScript client, unchanged, runs on ws and gets a final answer", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(CLIENTS, 'run_js_client.cjs'), served.wsUrl], { timeout: 30_000 });
    expect(stdout).toContain('Tool call: get_weather');
    expect(stdout).toMatch(/Final answer: 北京今天.+°C/);
  });

  it('serves the API and /health with the active sessions per agent', async () => {
    const api = apiClient(served.httpUrl);
    expect((await api.get('/api/agents')).body.items).toEqual([{ name: 'weather-assistant', description: expect.any(String), default: true }]);
    const client = await connectWs(served.httpUrl);
    const sessionId = await createWsSession(client);
    await client.ended(await askWs(client, sessionId, 'weather in Tokyo'));
    const health = await api.get('/health');
    expect(health.status).toBe(200);
    expect(health.body.agents).toEqual([{ name: 'weather-assistant', activeSessions: 1, activeRuns: 0 }]);
    client.close();
  });
});

describe('a newcomer', () => {
  it('serves a 20-line agent file outside the repository and chats with it over ws', async () => {
    const served = await serve(['my_agent.ts'], { cwd: outside });
    try {
      expect(served.stdout()).toContain('✅ Agent loaded: letter-counter (1 tool: count_letters)');
      const client = await connectWs(served.httpUrl);
      const sessionId = await createWsSession(client);
      const runId = await askWs(client, sessionId, 'How many letters are in "banana"?');
      expect((await client.ended(runId)).content).toBe('"banana" has 6 letters.');
      client.close();
    } finally {
      expect(await stop(served)).toBe(0);
    }
  });

  it('chats with it through npm run chat -- --agent', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'chat', '--', '--agent', path.join(outside, 'my_agent.ts'), '--json', 'count the letters in "agentwire"'], {
      cwd: ROOT,
      env: env(),
      timeout: 60_000,
    });
    const events = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
    const complete = events.find((e) => e.type === 'conversation_complete');
    expect(complete?.payload).toMatchObject({ status: 'completed', content: '"agentwire" has 9 letters.' });
  });
});

describe('serving a folder, a public host, debug', () => {
  it('serves every agent file of a folder', async () => {
    const served = await serve(['examples/']);
    try {
      expect(served.stdout()).toMatch(/Agent loaded: toolbox \(3 tools/);
      const names = (await apiClient(served.httpUrl).get('/api/agents')).body.items.map((a: { name: string }) => a.name);
      expect(names.sort()).toEqual(['toolbox', 'weather-assistant']);
      const client = await connectWs(served.httpUrl);
      expect(client.messages[0]!.agents.sort()).toEqual(['toolbox', 'weather-assistant']);
      const sessionId = await createWsSession(client, 'toolbox');
      const runId = await askWs(client, sessionId, 'What is 12 * (3 + 4)?');
      expect((await client.ended(runId)).content).toBe('12 * (3 + 4) = 84');
      client.close();
    } finally {
      await stop(served);
    }
  });

  it('on a non-loopback host requires tokens unless --allow-guests', async () => {
    const closed = await serve(['examples/weather.ts', '--host', '0.0.0.0']);
    try {
      expect(closed.stdout()).toContain('Clients need an access token');
      const client = await connectWs(closed.httpUrl.replace('0.0.0.0', '127.0.0.1'));
      client.send({ event: 'user.create_session' });
      expect(await client.waitFor((m) => m.event === 'auth.error')).toMatchObject({ error: expect.stringMatching(/Sign in/) });
    } finally {
      await stop(closed);
    }
    const open = await serve(['examples/weather.ts', '--host', '0.0.0.0', '--allow-guests']);
    try {
      const client = await connectWs(open.httpUrl.replace('0.0.0.0', '127.0.0.1'));
      expect(await createWsSession(client)).toMatch(/^[0-9a-f-]{36}$/);
      client.close();
    } finally {
      await stop(open);
    }
  });

  it('--debug adds agent.debug events', async () => {
    const served = await serve(['examples/weather.ts', '--debug']);
    try {
      const client = await connectWs(served.httpUrl);
      const sessionId = await createWsSession(client);
      const runId = await askWs(client, sessionId, 'weather in Paris');
      await client.ended(runId);
      expect(client.ofRun(runId).some((m) => m.event === 'agent.debug')).toBe(true);
      client.close();
    } finally {
      await stop(served);
    }
  });
});

describe('load errors', () => {
  // Every load error the CLI can meet, through the loader it uses (one process each would take long).
  const cases: Array<[string, string, RegExp]> = [
    ['a missing file', 'nowhere/agent.ts', /Agent file not found: nowhere\/agent\.ts/],
    ['a file without an agent export', path.join(FIXTURES, 'no_export.ts'), /No 'agent' export found in .*no_export\.ts/],
    ['a tool with a broken schema', path.join(FIXTURES, 'broken_schema.ts'), /Tool remind of agent broken-schema has a broken schema: Date cannot be represented/],
    ['an invalid agent name', path.join(FIXTURES, 'bad_name.ts'), /Agent name must be kebab-case/],
    ['a file that throws while loading', path.join(FIXTURES, 'throws.ts'), /cannot reach the configuration service/],
  ];

  it.each(cases)('%s is an AgentFileError that says what is wrong', async (_name, file, message) => {
    const error = await loadAgentFile(file).then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(AgentFileError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([cases[0]!, cases[2]!])('the CLI with %s: the message, exit code 1, no stack trace', (_name, file, message) => {
    const r = failing([file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^❌ Failed to load agent: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('--debug adds the stack trace', () => {
    const r = failing([path.join(FIXTURES, 'throws.ts'), '--debug']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});
