/**
 * `npm run chat -- "emails from Li Wei last week"`: runs the mail agent (or,
 * with --agent, any agent file) in the terminal against the configured database (DATABASE_URL, or the
 * embedded one under DATA_DIR) and the configured model (LLM_PROVIDER, local
 * by default), printing the events as they stream. Without a message it
 * starts an interactive chat; Ctrl+C stops a running answer.
 *
 *   --agent <file>    chat with an agent file (as `agentwire serve` loads it) instead of the mail assistant
 *   --user <email>    whose mailbox (default: the demo user, seeded on first use; with --agent, a local CLI user)
 *   --session <id>    continue a session (default: a new one)
 *   --debug           also print agent_debug events
 *   --json            print the raw events, one JSON object per line
 *
 * Beside a running `npm start` on the same DATA_DIR it shares that server's
 * embedded PostgreSQL.
 */
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs, styleText } from 'node:util';
import type { RunEvent } from '../../shared/protocol.ts';
import { ConversationHandler, modelFor } from '../agent/index.ts';
import { mailAssistant } from '../../agents/mail/agent.ts';
import { AgentFileError, loadAgentFile } from './agentFiles.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { systemClock } from '../time/clock.ts';
import { findOwnedSession } from '../data/conversations.ts';
import { openDatabase } from '../data/database.ts';
import type { Db } from '../data/prisma.ts';
import { createLogger, type Logger } from '../logger.ts';
import { seedDemoData } from '../mail/demo/seed.ts';

class UsageError extends Error {}

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
type Style = Parameters<typeof styleText>[0];
const paint = (style: Style, text: string) => (useColor ? styleText(style, text) : text);

function preview(value: unknown, max = 160): string {
  const s = JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Prints events readably: thoughts dimmed, tool calls with arguments and durations, the answer as it streams. */
function createPrinter(opts: { debug: boolean; json: boolean }) {
  let inAnswer = false;
  const line = (text: string) => {
    if (inAnswer) process.stdout.write('\n');
    inAnswer = false;
    process.stdout.write(text + '\n');
  };
  return (e: RunEvent) => {
    if (opts.json) {
      process.stdout.write(JSON.stringify(e) + '\n');
      return;
    }
    const p = e.payload;
    switch (e.type) {
      case 'run_started':
        return;
      case 'agent_thought':
        return line(paint('dim', `  · ${e.payload.kind}: ${e.payload.content}`));
      case 'tool_call_start':
        return line(paint('cyan', `  → ${e.payload.tool_name} ${JSON.stringify(e.payload.tool_args)}`));
      case 'tool_call_result':
        return line(paint('green', `  ← ${e.payload.tool_name} (${e.payload.duration_ms} ms) ${preview(e.payload.tool_result)}`));
      case 'tool_error':
        return line(paint('red', `  ✗ ${e.payload.tool_name} (${e.payload.duration_ms} ms) ${e.payload.error.message}`));
      case 'agent_response_chunk':
        if (!inAnswer) process.stdout.write('\n');
        inAnswer = true;
        process.stdout.write(e.payload.delta);
        return;
      case 'error':
        return line(paint('red', `  ! ${e.payload.type}: ${e.payload.message}`));
      case 'agent_debug':
        if (opts.debug) line(paint('magenta', `  # ${e.payload.node} ${e.payload.phase}${e.payload.duration_ms !== undefined ? ` ${e.payload.duration_ms} ms` : ''} ${e.payload.detail ? preview(e.payload.detail) : ''}`));
        return;
      case 'conversation_complete': {
        const { timings, usage, status } = e.payload;
        const parts = [
          status,
          `first chunk ${timings.first_chunk_ms ?? '–'} ms`,
          `total ${timings.total_ms} ms`,
          ...(usage ? [`tokens in/out ${usage.input_tokens}/${usage.output_tokens}`] : []),
          `run ${p.run_id}`,
        ];
        line('');
        process.stdout.write(paint('dim', `[${parts.join(' · ')}]`) + '\n');
        return;
      }
    }
  };
}

async function findUser(db: Db, config: Config, email: string | undefined, log: Logger) {
  const wanted = (email ?? config.demo.email).toLowerCase();
  const user = await db.user.findUnique({ where: { email: wanted } });
  if (user) return user;
  if (wanted !== config.demo.email) throw new UsageError(`No user ${wanted} in this database.`);
  if (!config.demo.enabled) throw new UsageError(`The demo user ${wanted} does not exist and DEMO_DATA=0. Run \`npm run seed\` or pass --user <email>.`);
  process.stderr.write(paint('dim', 'Creating the demo mailbox (first run; this takes a moment)…') + '\n');
  const seeded = await seedDemoData(db, { email: wanted, password: config.demo.password, timeZone: config.demo.timezone, now: new Date(), log });
  return db.user.findUniqueOrThrow({ where: { id: seeded.userId } });
}

/** With --agent: the named user, or one local account for terminal chats (no demo mailbox needed). */
async function agentUser(db: Db, email: string | undefined) {
  if (email) {
    const user = await db.user.findUnique({ where: { email: email.toLowerCase() } });
    if (!user) throw new UsageError(`No user ${email} in this database.`);
    return user;
  }
  return db.user.upsert({
    where: { email: CLI_USER_EMAIL },
    update: {},
    create: { email: CLI_USER_EMAIL, name: 'Terminal', passwordHash: '!cli', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC' },
  });
}

const CLI_USER_EMAIL = 'terminal@cli.agentwire.invalid';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      user: { type: 'string' },
      session: { type: 'string' },
      agent: { type: 'string' },
      debug: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  // Before the database: a broken agent file fails at once, with the same message `serve` gives.
  // `npm run chat` runs in the project folder; a relative path means the folder it was typed in.
  const agent = values.agent ? await loadAgentFile(path.resolve(process.env.INIT_CWD ?? process.cwd(), values.agent)) : mailAssistant;
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'error');
  const database = await openDatabase(config, log);
  try {
    const db = database.db;
    const user = values.agent ? await agentUser(db, values.user) : await findUser(db, config, values.user, log);
    const session = values.session
      ? await findOwnedSession(db, user.id, values.session)
      : await db.chatSession.create({ data: { userId: user.id, agentName: agent.name } });
    if (!session) throw new UsageError(`No session ${values.session} for ${user.email}.`);
    if (session.agentName !== agent.name) throw new UsageError(`Session ${session.id} belongs to the agent ${session.agentName}, not ${agent.name}.`);

    const model = modelFor(agent, config.llm, { now: () => systemClock.now() });
    const handler = new ConversationHandler({
      userId: user.id,
      sessionId: session.id,
      agent,
      deps: { db, log, clock: systemClock, model, toolTimeoutMs: config.toolTimeoutMs, debug: values.debug, exposeErrors: values.debug },
    });
    const print = createPrinter({ debug: values.debug, json: values.json });
    const modelName = config.llm.provider === 'local' ? 'built-in offline model' : `${config.llm.model} (OpenAI API)`;
    if (!values.json) {
      process.stdout.write(paint('dim', `${agent.name} · ${user.email} · session ${session.id} · ${modelName} · time zone ${user.timezone}`) + '\n');
    }

    let current: AbortController | undefined;
    process.on('SIGINT', () => {
      if (current && !current.signal.aborted) {
        current.abort();
        return;
      }
      process.exit(130);
    });
    const ask = async (text: string) => {
      current = new AbortController();
      for await (const event of handler.streamResponse(text, { signal: current.signal })) print(event);
      current = undefined;
    };

    if (positionals.length > 0) {
      await ask(positionals.join(' '));
      return;
    }
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    // In a terminal, readline receives Ctrl+C: stop the running answer, or quit at the prompt.
    rl.on('SIGINT', () => (current && !current.signal.aborted ? current.abort() : rl.close()));
    const prompt = () => process.stdout.write(paint('bold', '\nyou › '));
    process.stdout.write(paint('dim', `${values.agent ? `Ask ${agent.name} something` : 'Ask about your mail'}; an empty line, Ctrl+D or Ctrl+C quits.`) + '\n');
    prompt();
    // The line iterator buffers input typed (or piped) while an answer streams.
    for await (const input of rl) {
      const text = input.trim();
      if (!text) break;
      if (!process.stdin.isTTY) process.stdout.write(text + '\n');
      await ask(text);
      prompt();
    }
    rl.close();
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    const known = err instanceof ConfigError || err instanceof UsageError || err instanceof AgentFileError || (err as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(known ? `${err.message}\n` : `chat failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
