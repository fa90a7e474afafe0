import type { AIMessageChunk } from '@langchain/core/messages';

type Block = { type?: string; text?: string; reasoning?: string; thinking?: string };

/**
 * The reasoning in a streamed chunk, however the provider sends it:
 * `additional_kwargs.reasoning_content` (ChatOpenAI's mapping of DeepSeek /
 * vLLM / Qwen deltas, also what the local model emits) or reasoning/thinking
 * content blocks (Anthropic, the OpenAI Responses API).
 */
export function reasoningOf(chunk: AIMessageChunk): string {
  const kw = chunk.additional_kwargs as Record<string, unknown> | undefined;
  if (typeof kw?.reasoning_content === 'string') return kw.reasoning_content;
  if (!Array.isArray(chunk.content)) return '';
  return (chunk.content as Block[])
    .filter((b) => b.type === 'reasoning' || b.type === 'thinking')
    .map((b) => b.reasoning ?? b.thinking ?? b.text ?? '')
    .join('');
}

/** The answer text in a streamed chunk (text content only, no reasoning blocks). */
export function textOf(chunk: AIMessageChunk): string {
  if (typeof chunk.content === 'string') return chunk.content;
  return (chunk.content as Block[])
    .filter((b) => b.type === 'text' || b.type === 'text_delta')
    .map((b) => b.text ?? '')
    .join('');
}
