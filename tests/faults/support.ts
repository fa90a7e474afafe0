/**
 * The real server as `npm start` runs it (its own process group, so a
 * "Ctrl-C" can go to the whole group as a terminal sends it), and a paced
 * OpenAI-compatible model, so an answer is mid-stream when a fault hits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * An OpenAI-compatible chat completions endpoint that streams `word-1 word-2 …`.
 * The user's last message sets the pace: "words=N delay=MS".
 */
export async function startPacedModel() {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { messages?: Array<{ role: string; content: unknown }>; model?: string };
      const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
      const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
      const words = Number(/words=(\d+)/.exec(text)?.[1] ?? 20);
      const delay = Number(/delay=(\d+)/.exec(text)?.[1] ?? 10);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const base = { id: 'chatcmpl-paced', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model ?? 'paced' };
      const send = (delta: object, finish: string | null = null) =>
        res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      send({ role: 'assistant', content: '' });
      let i = 0;
      let closed = false;
      res.on('close', () => (closed = true));
      const tick = () => {
        if (closed) return;
        if (i >= words) {
          send({}, 'stop');
          res.end('data: [DONE]\n\n');
          return;
        }
        i++;
        send({ content: `word-${i} ` });
        setTimeout(tick, delay);
      };
      tick();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The node process serving (not npm), from DATA_DIR/server.lock. */
  pid: number;
}

/**
 * `npm start` without its build step (the web app is not needed here), in a process group of its own. Only `env`
 * decides whether it uses Redis: a REDIS_URL in the test runner's environment (for redis.test.ts) is not inherited.
 */
export function startServer(env: Record<string, string>, opts: { expectFailure?: boolean; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const { REDIS_URL: _runnersRedis, ...inherited } = process.env;
  const child = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
    cwd: REPO,
    detached: true,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle = (url: string): ServerProcess => ({
    child,
    url,
    output: () => out,
    exited,
    pid: url ? (JSON.parse(readFileSync(path.join(env.DATA_DIR!, 'server.lock'), 'utf8')).pid as number) : 0,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out.slice(-3000)}`)), opts.timeoutMs ?? 90_000);
    const onData = () => {
      const m = /Agentwire is running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(handle(m[1]!));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((e) => {
      clearTimeout(timer);
      if (opts.expectFailure) resolve(handle(''));
      else reject(new Error(`server exited (${e.code ?? e.signal}) before it started:\n${out.slice(-3000)}`));
    });
  });
}

/** Sends a signal to the whole process group, as a terminal's Ctrl-C or `kill -TERM -pgid` does. */
export function signalGroup(proc: ServerProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-proc.child.pid!, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]!, 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms))),
  ]);
}
