import { randomUUID } from 'node:crypto';
import type { RunEvent } from '../../shared/protocol.ts';
import { AgentRun } from './agentRun.ts';
import type { AgentDefinition } from './defineAgent.ts';
import type { AgentDeps } from './deps.ts';
import type { ConversationRunner, StreamOptions } from './types.ts';

export interface ConversationHandlerOptions {
  userId: string;
  sessionId: string;
  agent: AgentDefinition;
  deps: AgentDeps;
}

/**
 * One user's conversation in one session, served by one agent. Holds only ids
 * and references: the conversation lives in PostgreSQL and the compiled graph
 * is shared, so a cached idle handler costs next to nothing.
 */
export class ConversationHandler implements ConversationRunner {
  readonly userId: string;
  readonly sessionId: string;
  readonly agent: AgentDefinition;
  private readonly deps: AgentDeps;

  constructor(opts: ConversationHandlerOptions) {
    this.userId = opts.userId;
    this.sessionId = opts.sessionId;
    this.agent = opts.agent;
    this.deps = opts.deps;
  }

  streamResponse(content: string, options: StreamOptions = {}): AsyncIterable<RunEvent> {
    const run = new AgentRun(
      { userId: this.userId, sessionId: this.sessionId, agent: this.agent },
      this.deps,
      {
        runId: options.runId ?? randomUUID(),
        userMessageId: options.userMessageId ?? randomUUID(),
        messageId: randomUUID(),
        ...(options.clientMessageId !== undefined ? { clientMessageId: options.clientMessageId } : {}),
        ...(options.parentId !== undefined ? { parentId: options.parentId } : {}),
        ...(options.continueRun ? { continueRun: true } : {}),
      },
      options.signal,
    );
    return run.execute(content);
  }
}
