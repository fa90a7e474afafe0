/**
 * The chat model of LLM_PROVIDER: the built-in offline model (`local`, the
 * default) or ChatOpenAI against OpenAI or any OpenAI-compatible server
 * (OPENAI_BASE_URL: Ollama, vLLM, LM Studio, DeepSeek, Qwen…).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, ChatOpenAICompletions } from '@langchain/openai';
import type { Config } from '../config.ts';
import { LocalMailModel } from './local/LocalMailModel.ts';

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

export function createChatModel(llm: Config['llm'], opts: { now?: () => number } = {}): BaseChatModel {
  if (llm.provider === 'local') return new LocalMailModel({ ...(opts.now ? { now: opts.now } : {}) });
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
