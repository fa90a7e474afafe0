import type { UsageMetadata } from '@langchain/core/messages';
import type { Usage } from '../../shared/protocol.ts';

/** A model turn's token counts as the protocol reports them (a provider may leave some out). */
export function toUsage(u: UsageMetadata | undefined): Usage | undefined {
  if (!u) return undefined;
  const input_tokens = u.input_tokens ?? 0;
  const output_tokens = u.output_tokens ?? 0;
  return { input_tokens, output_tokens, total_tokens: u.total_tokens ?? input_tokens + output_tokens };
}

/** Token counts added up (a turn's chunks, a run's turns); provider-specific details are not carried. */
export function addUsage(a: Usage | undefined, b: Usage): Usage {
  if (!a) return b;
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}
