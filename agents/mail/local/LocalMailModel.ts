/**
 * LLM_PROVIDER=local: a LangChain chat model that needs no network. It reads
 * the conversation, chooses mail tools and their arguments from the user's
 * words (planner.ts), and streams its reasoning (as `reasoning_content`,
 * like DeepSeek/vLLM do), a one-line tool choice, tool calls, or an answer
 * grounded in the tool results, token by token. It is honest about being a
 * deterministic program rather than a language model.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { randomUUID } from 'node:crypto';
import type { RunnableConfig } from '@langchain/core/runnables';
import { toolContext } from '../../../server/agent/toolContext.ts';
import { planTurn } from './planner.ts';
import { loadKnowledge, type MailKnowledge } from './knowledge.ts';

export interface LocalMailModelOptions {
  /** Pause between streamed tokens, so answers read like a stream (default 4 ms; 0 = only yield to the event loop). */
  tokenDelayMs?: number;
  /** "Today" when the system prompt does not say (it normally does: currentDateLine). */
  now?: () => number;
}

interface LocalCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
  /** The run's configurable (tool context): how the model reads the user's contacts and mail vocabulary. */
  runConfigurable?: RunnableConfig['configurable'];
}

/** Words with their trailing space; CJK one character at a time. */
export function tokenize(text: string): string[] {
  return text.match(/[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]|[^\s\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+\s*|\s+/g) ?? [];
}

export class LocalMailModel extends BaseChatModel<LocalCallOptions> {
  private readonly tokenDelayMs: number;
  private readonly now: () => number;

  constructor(options: LocalMailModelOptions = {}) {
    super({});
    this.tokenDelayMs = options.tokenDelayMs ?? 4;
    this.now = options.now ?? Date.now;
  }

  _llmType(): string {
    return 'agentwire-local';
  }

  // The run's config reaches tools but not _streamResponseChunks; carry its configurable along (as LangChain carries the signal).
  protected override _separateRunnableConfigFromCallOptionsCompat(options?: Partial<LocalCallOptions>): [RunnableConfig, this['ParsedCallOptions']] {
    const [config, callOptions] = super._separateRunnableConfigFromCallOptionsCompat(options);
    (callOptions as LocalCallOptions).runConfigurable = config.configurable;
    return [config, callOptions];
  }

  private async knowledgeFor(options: LocalCallOptions): Promise<MailKnowledge | undefined> {
    let ctx;
    try {
      ctx = toolContext({ configurable: options.runConfigurable });
    } catch {
      return undefined;
    }
    return loadKnowledge(ctx);
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<LocalCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, LocalCallOptions> {
    return this.withConfig({ ...kwargs, tools } as Partial<LocalCallOptions>) as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk, LocalCallOptions>;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const signal = options.signal;
    const toolNames = new Set((options.tools ?? []).map((t) => convertToOpenAITool(t as never).function.name));
    const plan = await planTurn(messages, toolNames, this.now(), await this.knowledgeFor(options));

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

    // Reasoning a line at a time: the runtime shows it line by line anyway, and the answer starts sooner.
    for (const line of plan.reasoning) {
      await pause();
      yield await emit(new AIMessageChunk({ content: '', additional_kwargs: { reasoning_content: line + '\n' } }));
    }
    if (plan.kind === 'tools') {
      // The sentence saying what it will do, then the tool calls: the order a model writes them in, so the
      // sentence shows before the tool card it announces (the runtime keeps parts in streamed order).
      for (const token of tokenize(plan.say)) {
        await pause();
        yield await emit(new AIMessageChunk({ content: token }));
      }
      const chunks = plan.calls.map((c, index) => ({
        type: 'tool_call_chunk' as const,
        index,
        id: `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        name: c.name,
        args: JSON.stringify(c.args),
      }));
      yield await emit(new AIMessageChunk({ content: '', tool_call_chunks: chunks }));
      return;
    }
    for (const token of tokenize(plan.text)) {
      await pause();
      yield await emit(new AIMessageChunk({ content: token }));
    }
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let final: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) final = final ? final.concat(chunk) : chunk;
    const message = final?.message ?? new AIMessageChunk({ content: '' });
    return { generations: [{ message, text: typeof message.content === 'string' ? message.content : '' }] };
  }
}
