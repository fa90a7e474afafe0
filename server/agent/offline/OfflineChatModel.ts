/**
 * What the offline models (LLM_PROVIDER=local) share: a LangChain chat model
 * that takes a turn planned from the conversation and streams it as a real
 * model would — reasoning (as `reasoning_content`, like DeepSeek or vLLM),
 * text token by token, tool calls — with a pause between pieces, honouring
 * abort. A subclass only plans the turn.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { streamTokens } from './text.ts';

export interface OfflineCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/** One piece of a planned turn, streamed in the order given. */
export type OfflinePiece =
  | { reasoning: string }
  | { text: string }
  | { calls: Array<{ name: string; args: unknown }> };

export abstract class OfflineChatModel<Options extends OfflineCallOptions = OfflineCallOptions> extends BaseChatModel<Options> {
  private readonly tokenDelayMs: number;

  /** `tokenDelayMs`: the pause between streamed pieces (0 = only yield to the event loop). */
  constructor(tokenDelayMs: number) {
    super({});
    this.tokenDelayMs = tokenDelayMs;
  }

  /** The turn to take, from the conversation so far. */
  protected abstract planTurn(messages: BaseMessage[], options: Options): Promise<OfflinePiece[]> | OfflinePiece[];

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<Options>): Runnable<BaseLanguageModelInput, AIMessageChunk, Options> {
    return this.withConfig({ ...kwargs, tools } as Partial<Options>) as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk, Options>;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const signal = options.signal;
    const pieces = await this.planTurn(messages, options as Options);

    const emit = async (chunk: AIMessageChunk) => {
      signal?.throwIfAborted();
      const generation = new ChatGenerationChunk({ message: chunk, text: typeof chunk.content === 'string' ? chunk.content : '' });
      await runManager?.handleLLMNewToken(generation.text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk: generation });
      return generation;
    };
    const pause = async () => {
      if (this.tokenDelayMs > 0) await sleep(this.tokenDelayMs, undefined, { signal }).catch(() => undefined);
      else await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    };

    for (const piece of pieces) {
      if ('reasoning' in piece) {
        await pause();
        yield await emit(new AIMessageChunk({ content: '', additional_kwargs: { reasoning_content: piece.reasoning + '\n' } }));
      } else if ('text' in piece) {
        for (const token of streamTokens(piece.text)) {
          await pause();
          yield await emit(new AIMessageChunk({ content: token }));
        }
      } else {
        const chunks = piece.calls.map((c, index) => ({
          type: 'tool_call_chunk' as const,
          index,
          id: `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
          name: c.name,
          args: JSON.stringify(c.args),
        }));
        yield await emit(new AIMessageChunk({ content: '', tool_call_chunks: chunks }));
      }
    }
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let final: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) final = final ? final.concat(chunk) : chunk;
    const message = final?.message ?? new AIMessageChunk({ content: '' });
    return { generations: [{ message, text: typeof message.content === 'string' ? message.content : '' }] };
  }
}
