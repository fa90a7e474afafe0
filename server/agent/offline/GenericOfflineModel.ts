/**
 * LLM_PROVIDER=local for an agent that brings no offline model of its own: a
 * LangChain chat model that needs no network and works with any agent's
 * tools. It picks the tool whose name or description matches the question,
 * fills the arguments from the question (toolChoice.ts), and answers from the
 * tool's result in the question's language. Streams like a real model:
 * reasoning (as `reasoning_content`), tool calls, then text token by token.
 */
import type { BindToolsInput } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { answerFromResults, askForMissing, capabilities, reasoningFor, toolChoiceSentence, type ToolOutcome } from './answers.ts';
import { OfflineChatModel, type OfflineCallOptions, type OfflinePiece } from './OfflineChatModel.ts';
import { contentWords, languageOf } from './text.ts';
import { chooseTool, type JsonSchema, type ToolChoice, type ToolSpec } from './toolChoice.ts';

export interface GenericOfflineModelOptions {
  /** Pause between streamed tokens (default 4 ms; 0 = only yield to the event loop). */
  tokenDelayMs?: number;
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

export class GenericOfflineModel extends OfflineChatModel {
  constructor(options: GenericOfflineModelOptions = {}) {
    super(options.tokenDelayMs ?? 4);
  }

  _llmType(): string {
    return 'agentwire-offline';
  }

  protected planTurn(messages: BaseMessage[], options: OfflineCallOptions): OfflinePiece[] {
    const plan = planOfflineTurn(messages, specsOf(options.tools));
    const pieces: OfflinePiece[] = plan.reasoning ? [{ reasoning: plan.reasoning }] : [];
    if (plan.kind === 'answer') return [...pieces, { text: plan.text }];
    return [...pieces, { calls: [{ name: plan.choice.tool.name, args: plan.choice.args }] }, { text: plan.say }];
  }
}
