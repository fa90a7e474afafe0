/**
 * The chat model of LLM_PROVIDER=openai: OpenAIChatModel (openaiChat.ts)
 * against OpenAI or any OpenAI-compatible server (OPENAI_BASE_URL: Ollama,
 * vLLM, LM Studio, DeepSeek, Qwen…). With LLM_PROVIDER=local each agent runs
 * its own offline model (AgentDefinition.offlineModel); see modelFor.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Config } from '../config.ts';
import type { AgentDefinition } from './defineAgent.ts';
import { GenericOfflineModel } from './offline/GenericOfflineModel.ts';
import { OpenAIChatModel } from './openaiChat.ts';

/**
 * The model an agent runs with: its own (`agent.model`), else the configured
 * provider's; offline, the agent's offline model, or the generic one that
 * drives any agent's tools.
 */
export function modelFor(agent: AgentDefinition, llm: Config['llm'], opts: { now: () => number }): BaseChatModel {
  if (agent.model) return agent.model;
  if (llm.provider !== 'local') return createChatModel(llm);
  return agent.offlineModel ? agent.offlineModel(opts) : new GenericOfflineModel();
}

export function createChatModel(llm: Config['llm']): BaseChatModel {
  if (llm.provider === 'local') throw new Error('LLM_PROVIDER=local has no shared model: each agent brings its offline model (modelFor)');
  return new OpenAIChatModel({
    model: llm.model,
    ...(llm.apiKey ? { apiKey: llm.apiKey } : {}),
    ...(llm.baseUrl ? { baseUrl: llm.baseUrl } : {}),
    maxRetries: 2,
  });
}
