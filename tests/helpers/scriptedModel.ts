/**
 * A scripted LangChain chat model: the fake LLM of the test suite. It is a
 * real `BaseChatModel` (bindTools, token streaming through
 * `_streamResponseChunks`, tool calls, reasoning, usage), so everything above
 * it — the LangGraph agent, ConversationHandler, the gateway — runs for real.
 *
 * Each model call consumes the next turn of the script. A turn is data, or a
 * function of the messages the model received (to answer from tool results).
 *
 *   const model = new ScriptedChatModel([
 *     { text: 'Let me search.', toolCalls: [{ name: 'search_emails', args: { sender: 'Li Wei' } }] },
 *     (messages) => ({ text: `Found: ${lastToolContent(messages)}` }),
 *   ]);
 *
 * A turn's text streams as `agent_response_chunk` the moment it is produced,
 * as a text part of the run; tool calls take their place among the parts in
 * the order the script writes them (text first, then the calls).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage, type ToolMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { streamTokens } from '../../server/agent/offline/text.ts';

export interface ScriptedToolCall {
  name: string;
  args: Record<string, unknown>;
  /** Defaults to `call_<turn>_<index>`. */
  id?: string;
}

export interface ScriptedTurnSpec {
  /** Answer (or pre-tool) text, streamed token by token (words; CJK one character at a time). */
  text?: string;
  /** Exact tokens to stream instead of splitting `text`. */
  tokens?: string[];
  /** Streamed before the text as `additional_kwargs.reasoning_content`, like DeepSeek/vLLM/Qwen. */
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  /** Reported on the last chunk as usage_metadata. */
  usage?: { input_tokens: number; output_tokens: number };
  /** Delay before each token (default: the model's tokenDelayMs). */
  tokenDelayMs?: number;
  /** Delay before the first chunk. */
  firstTokenDelayMs?: number;
  /** Throw `error` (default "Scripted model failure") after this many text tokens. */
  failAfterTokens?: number;
  /** Throw at once with this message (before any token). */
  error?: string;
  /** After the tokens, keep the stream open until the call is aborted. */
  hang?: boolean;
}

export type ScriptedTurn = ScriptedTurnSpec | ((messages: BaseMessage[]) => ScriptedTurnSpec);

export interface ScriptedModelOptions {
  /** Default delay before each token, in ms (0 = just yield to the event loop). */
  tokenDelayMs?: number;
  /** What to do when the script is exhausted; default: throw, so a test notices an extra call. */
  whenExhausted?: ScriptedTurn;
}

/** What one call received, for tests that assert on the context the model saw. */
export interface ScriptedCall {
  messages: BaseMessage[];
  toolNames: string[];
}

export class ScriptedModelError extends Error {}

interface ScriptedCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

export class ScriptedChatModel extends BaseChatModel<ScriptedCallOptions> {
  readonly calls: ScriptedCall[] = [];
  private cursor = 0;
  private readonly turns: ScriptedTurn[];
  private readonly tokenDelayMs: number;
  private readonly whenExhausted: ScriptedTurn | undefined;

  constructor(turns: ScriptedTurn[] = [], options: ScriptedModelOptions = {}) {
    super({});
    this.turns = [...turns];
    this.tokenDelayMs = options.tokenDelayMs ?? 0;
    this.whenExhausted = options.whenExhausted;
  }

  /** Appends turns (e.g. the next question's script). */
  push(...turns: ScriptedTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  get remainingTurns(): number {
    return this.turns.length - this.cursor;
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<ScriptedCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, ScriptedCallOptions> {
    return this.withConfig({ ...kwargs, tools } as Partial<ScriptedCallOptions>) as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk, ScriptedCallOptions>;
  }

  private nextTurn(messages: BaseMessage[]): ScriptedTurnSpec {
    const turn = this.cursor < this.turns.length ? this.turns[this.cursor++] : this.whenExhausted;
    if (!turn) throw new ScriptedModelError(`ScriptedChatModel: no scripted turn left (call ${this.calls.length})`);
    return typeof turn === 'function' ? turn(messages) : turn;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const toolNames = (options.tools ?? []).map((t) => convertToOpenAITool(t as never).function.name);
    this.calls.push({ messages, toolNames });
    const turnIndex = this.calls.length;
    const turn = this.nextTurn(messages);
    const signal = options.signal;
    const delay = turn.tokenDelayMs ?? this.tokenDelayMs;

    const pause = async (ms: number) => {
      if (ms > 0) await sleep(ms, undefined, { signal }).catch(() => undefined);
      else await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    };
    const emit = async (chunk: AIMessageChunk) => {
      const generation = new ChatGenerationChunk({ message: chunk, text: typeof chunk.content === 'string' ? chunk.content : '' });
      await runManager?.handleLLMNewToken(generation.text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, { chunk: generation });
      return generation;
    };

    signal?.throwIfAborted();
    if (turn.error !== undefined) throw new ScriptedModelError(turn.error);
    if (turn.firstTokenDelayMs) await pause(turn.firstTokenDelayMs);

    for (const piece of turn.reasoning ? streamTokens(turn.reasoning) : []) {
      await pause(delay);
      yield await emit(new AIMessageChunk({ content: '', additional_kwargs: { reasoning_content: piece } }));
    }
    const tokens = turn.tokens ?? streamTokens(turn.text ?? '');
    let sent = 0;
    for (const token of tokens) {
      if (turn.failAfterTokens !== undefined && sent >= turn.failAfterTokens) break;
      await pause(delay);
      yield await emit(new AIMessageChunk({ content: token }));
      sent++;
    }
    if (turn.failAfterTokens !== undefined) throw new ScriptedModelError('Scripted model failure');
    for (const [index, call] of (turn.toolCalls ?? []).entries()) {
      await pause(delay);
      yield await emit(
        new AIMessageChunk({
          content: '',
          tool_call_chunks: [
            { type: 'tool_call_chunk', index, id: call.id ?? `call_${turnIndex}_${index}`, name: call.name, args: JSON.stringify(call.args) },
          ],
        }),
      );
    }
    if (turn.hang) {
      await new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      signal?.throwIfAborted();
    }
    if (turn.usage) {
      const { input_tokens, output_tokens } = turn.usage;
      yield await emit(new AIMessageChunk({ content: '', usage_metadata: { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens } }));
    }
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let final: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) final = final ? final.concat(chunk) : chunk;
    const message = final?.message ?? new AIMessageChunk({ content: '' });
    return { generations: [{ message, text: typeof message.content === 'string' ? message.content : '' }] };
  }
}

/** The tool results the model received since the last user message. */
export function toolResultsSince(messages: BaseMessage[]): ToolMessage[] {
  const out: ToolMessage[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.getType() === 'human') break;
    if (m.getType() === 'tool') out.unshift(m as ToolMessage);
  }
  return out;
}
