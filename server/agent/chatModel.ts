/**
 * The chat model of LLM_PROVIDER=openai: ChatOpenAI against OpenAI or any
 * OpenAI-compatible server (OPENAI_BASE_URL: Ollama, vLLM, LM Studio, DeepSeek,
 * Qwen…). With LLM_PROVIDER=local each agent runs its own offline model
 * (AgentDefinition.offlineModel); see modelFor.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, ChatOpenAICompletions } from '@langchain/openai';
import type { Config } from '../config.ts';
import type { AgentDefinition } from './defineAgent.ts';
import { GenericOfflineModel } from './offline/GenericOfflineModel.ts';

/**
 * ChatOpenAI 1.5.8 maps a delta's `reasoning_content` (DeepSeek, vLLM, Qwen)
 * to `additional_kwargs.reasoning_content` but drops `reasoning` (Ollama,
 * OpenRouter, LM Studio); this maps that one too, so both become thoughts.
 */
class ReasoningCompletions extends ChatOpenAICompletions {
  protected override _convertCompletionsDeltaToBaseMessageChunk(
    delta: Record<string, unknown>,
    ...rest: Parameters<ChatOpenAICompletions['_convertCompletionsDeltaToBaseMessageChunk']> extends [unknown, ...infer R] ? R : never
  ): BaseMessageChunk {
    const chunk = super._convertCompletionsDeltaToBaseMessageChunk(delta, ...rest);
    if (typeof delta.reasoning === 'string' && chunk.additional_kwargs.reasoning_content === undefined) {
      chunk.additional_kwargs.reasoning_content = delta.reasoning;
    }
    return chunk;
  }
}

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
  const fields = {
    model: llm.model,
    // Local OpenAI-compatible servers accept any key; the SDK insists on one.
    apiKey: llm.apiKey ?? 'not-needed',
    configuration: llm.baseUrl ? { baseURL: llm.baseUrl } : {},
    streaming: true,
    streamUsage: true,
    maxRetries: 2,
  };
  return new ChatOpenAI({ ...fields, useResponsesApi: false, completions: new ReasoningCompletions(fields) });
}
