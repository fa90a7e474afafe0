/**
 * `agentwire serve <file|folder>… [--host localhost] [--port 8080] [--debug] [--allow-guests]`
 *
 * Serves agent files (modules exporting `agent = defineAgent({...})`) over the
 * plain WebSocket protocol at ws://host:port/, and Socket.IO with the web app
 * at http://host:port/, with the same database and runtime as `npm start`
 * (DATABASE_URL, or embedded PostgreSQL under --data-dir / DATA_DIR).
 */
import { parseArgs } from 'node:util';
import { loadOrCreateSecret } from '../auth/secret.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createServer } from '../createServer.ts';
import { openDatabase } from '../data/database.ts';
import { createLogger } from '../logger.ts';
import type { AgentDefinition } from '../agent/defineAgent.ts';
import { AgentFileError, agentFilesIn, loadAgentFile } from './agentFiles.ts';

const USAGE = `Usage: agentwire serve <agent file or folder>... [options]

Serves agents over WebSocket (ws://host:port/), Socket.IO and the web app (http://host:port/).

Options:
  --host <host>      interface to listen on (default: localhost)
  --port <port>      port (default: 8080; 0 = any free port)
  --debug            debug events (agent.debug) and verbose logs; stack traces on errors
  --allow-guests     let clients without a token in on a non-loopback host
                     (on localhost they are always let in, like the seed's clients)
  --data-dir <dir>   embedded PostgreSQL and the JWT secret (default: DATA_DIR or ./.data);
                     DATABASE_URL uses that database instead
  -h, --help         this help

An agent file is a TypeScript or JavaScript module:

  import { defineAgent, tool, z } from 'agentwire';
  export const agent = defineAgent({ name, description, systemPrompt, tools, maxSteps });
`;

class UsageError extends Error {}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: 'localhost' },
      port: { type: 'string', default: '8080' },
      debug: { type: 'boolean', default: false },
      'allow-guests': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0-65535), not ${values.port}`);
  return { ...values, port, command: positionals[0], paths: positionals.slice(1) };
}

async function serve(opts: ReturnType<typeof parse>) {
  if (opts.paths.length === 0) throw new UsageError(`Name at least one agent file or folder.\n\n${USAGE}`);
  const agents: AgentDefinition[] = [];
  for (const file of agentFilesIn(opts.paths)) {
    process.stdout.write(`📂 Loading agent file: ${file}\n`);
    const agent = await loadAgentFile(file);
    if (agents.some((a) => a.name === agent.name)) throw new AgentFileError(`Two agents are named ${agent.name} (${file}); agent names must be unique`);
    agents.push(agent);
    process.stdout.write(`✅ Agent loaded: ${agent.name} (${agent.tools.length} tool${agent.tools.length === 1 ? '' : 's'}: ${agent.tools.map((t) => t.name).join(', ') || 'none'})\n`);
  }

  const loopback = LOOPBACK.test(opts.host);
  const env = { ...process.env };
  // The mail product's demo mailbox is not part of serving agent files.
  env.DEMO_DATA ??= '0';
  env.LOG_LEVEL ??= opts.debug ? 'debug' : 'warn';
  if (opts.debug) env.AGENT_DEBUG = '1';
  if (opts['data-dir']) env.DATA_DIR = opts['data-dir'];
  if (loopback || opts['allow-guests']) env.ALLOW_GUESTS = '1';
  // On a loopback host every client is this machine's own: the per-address guest cap protects public hosts.
  if (loopback) env.GUESTS_PER_ADDRESS_PER_HOUR ??= '100000';
  env.HOST = opts.host;
  env.PORT = String(opts.port);
  const config = loadConfig(env);
  const log = createLogger(config.logLevel);

  const database = await openDatabase(config, log);
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await server?.close();
      await database.close();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const jwtSecret = await loadOrCreateSecret(config.jwtSecret, config.dataDir);
    server = await createServer(config, { db: database.db, log, jwtSecret, agents });
    const { port } = await server.listen();
    const host = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
    process.stdout.write(
      [
        `🚀 Agentwire WebSocket server listening on ws://${host}:${port}`,
        `   Web app and Socket.IO: http://${host}:${port}/   Health: http://${host}:${port}/health`,
        `   Agents: ${agents.map((a) => a.name).join(', ')} · model: ${config.llm.provider === 'local' ? 'offline (LLM_PROVIDER=local)' : `${config.llm.model} (OpenAI API)`}`,
        `   ${config.allowGuests ? 'Clients without a token chat as guests.' : 'Clients need an access token (POST /api/auth/login); pass --allow-guests to let others in.'}`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    await server?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    if ((err as NodeJS.ErrnoException)?.code === 'EADDRINUSE') throw new UsageError(`Port ${opts.port} on ${opts.host} is in use; pick another with --port`);
    throw err;
  }
}

async function main(argv: string[]) {
  let opts: ReturnType<typeof parse> | undefined;
  try {
    opts = parse(argv);
    if (opts.help || !opts.command) {
      process.stdout.write(USAGE);
      process.exit(opts.help ? 0 : 1);
    }
    if (opts.command !== 'serve') throw new UsageError(`Unknown command: ${opts.command}\n\n${USAGE}`);
    await serve(opts);
  } catch (err) {
    const debug = opts?.debug ?? argv.includes('--debug');
    const known = err instanceof AgentFileError || err instanceof UsageError || err instanceof ConfigError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    const message = err instanceof AgentFileError ? `❌ Failed to load agent: ${err.message}` : known ? (err as Error).message : `❌ agentwire failed: ${(err as Error)?.message ?? err}`;
    process.stderr.write(`${message}\n`);
    if (debug) process.stderr.write(`${(err as Error)?.stack ?? err}\n${(err as Error)?.cause ? `Caused by: ${((err as Error).cause as Error)?.stack ?? (err as Error).cause}\n` : ''}`);
    process.exit(1);
  }
}

await main(process.argv.slice(2));
