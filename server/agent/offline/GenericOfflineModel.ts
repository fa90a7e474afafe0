/**
 * LLM_PROVIDER=local for an agent that brings no offline model of its own: a
 * LangChain chat model that needs no network and works with any agent's
 * tools. It picks the tool whose name or description matches the question,
 * fills the arguments from the question (toolChoice.ts), and answers from the
 * tool's result in the question's language. Streams like a real model:
 * reasoning (as `reasoning_content`), tool calls, then text token by token.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { answerFromResults, askForMissing, capabilities, reasoningFor, toolChoiceSentence, type ToolOutcome } from './answers.ts';
import { contentWords, languageOf, streamTokens } from './text.ts';
import { chooseTool, type JsonSchema, type ToolChoice, type ToolSpec } from './toolChoice.ts';

export interface GenericOfflineModelOptions {
  /** Pause between streamed tokens (default 4 ms; 0 = only yield to the event loop). */
  tokenDelayMs?: number;
}

interface OfflineCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

type Plan =
  | { kind: 'tool'; reasoning: string; choice: ToolChoice; say: string }
  | { kind: 'answer'; reasoning?: string; text: string };

function textOf(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.text;
}

function specsOf(tools: BindToolsInput[] | undefined): ToolSpec[] {
  return (tools ?? []).map((t) => {
    const fn = convertToOpenAITool(t as never).function;
    return { name: fn.name, description: fn.description ?? '', parameters: (fn.parameters ?? {}) as JsonSchema };
  });
}

/** The turn to take, from the conversation so far. */
export function planOfflineTurn(messages: BaseMessage[], tools: ToolSpec[]): Plan {
  const humans = messages.filter((m) => m.getType() === 'human');
  const question = humans.at(-1) ? textOf(humans.at(-1)!) : '';
  const language = languageOf(question);

  // After tool calls: answer from their results.
  const trailing: ToolOutcome[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]!.getType() === 'tool'; i--) {
    const m = messages[i]!;
    const content = textOf(m);
    const status = (m as { status?: string }).status;
    trailing.unshift({ tool: (m as { name?: string }).name ?? 'tool', content, failed: status === 'error' || content.startsWith('Error: ') });
  }
  if (trailing.length > 0) return { kind: 'answer', text: answerFromResults(trailing, language) };

  let choice = chooseTool(tools, question);
  // A reply to "which city?" carries only the missing part: read it together with the question before it.
  const previous = humans.at(-2);
  if (!choice && previous && contentWords(question).length > 0) choice = chooseTool(tools, `${textOf(previous)} ${question}`);
  if (!choice) return { kind: 'answer', text: capabilities(tools, language) };
  const reasoning = reasoningFor(choice, language);
  if (choice.missing.length > 0) return { kind: 'answer', reasoning, text: askForMissing(choice, language) };
  return { kind: 'tool', reasoning, choice, say: toolChoiceSentence(choice.tool.name, language) };
}

export class GenericOfflineModel extends BaseChatModel<OfflineCallOptions> {
  private readonly tokenDelayMs: number;

  constructor(options: GenericOfflineModelOptions = {}) {
    super({});
    this.tokenDelayMs = options.tokenDelayMs ?? 4;
  }

  _llmType(): string {
    return 'agentwire-offline';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<OfflineCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, OfflineCallOptions> {
    return this.withConfig({ ...kwargs, tools } as Partial<OfflineCallOptions>) as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk, OfflineCallOptions>;
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const signal = options.signal;
    const plan = planOfflineTurn(messages, specsOf(options.tools));

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

    if (plan.reasoning) {
      await pause();
      yield await emit(new AIMessageChunk({ content: '', additional_kwargs: { reasoning_content: plan.reasoning + '\n' } }));
    }
    if (plan.kind === 'tool') {
      const call = {
        type: 'tool_call_chunk' as const,
        index: 0,
        id: `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        name: plan.choice.tool.name,
        args: JSON.stringify(plan.choice.args),
      };
      yield await emit(new AIMessageChunk({ content: '', tool_call_chunks: [call] }));
      for (const token of streamTokens(plan.say)) {
        await pause();
        yield await emit(new AIMessageChunk({ content: token }));
      }
      return;
    }
    for (const token of streamTokens(plan.text)) {
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
