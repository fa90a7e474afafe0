import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Clock } from '../time/clock.ts';
import type { Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';
import type { AgentDefinition } from './defineAgent.ts';

/** What a ConversationHandler needs from the server; shared by all handlers. */
export interface AgentDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  /** The configured chat model (createChatModel); an agent definition may bring its own. */
  model: BaseChatModel;
  /** Per tool call (TOOL_TIMEOUT_MS). */
  toolTimeoutMs: number;
  /** Emit agent_debug events (AGENT_DEBUG; on in development). */
  debug?: boolean;
  /** Put internal details (original message, stack) in error and tool_error events: development only. */
  exposeErrors?: boolean;
}

export interface HandlerIdentity {
  userId: string;
  sessionId: string;
  agent: AgentDefinition;
}
