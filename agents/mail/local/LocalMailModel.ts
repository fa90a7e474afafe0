/**
 * LLM_PROVIDER=local: a LangChain chat model that needs no network. It reads
 * the conversation, chooses mail tools and their arguments from the user's
 * words (planner.ts), and streams its reasoning, a one-line tool choice, tool
 * calls, or an answer grounded in the tool results, token by token
 * (OfflineChatModel). It is honest about being a deterministic program rather
 * than a language model.
 */
import type { BaseMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { OfflineChatModel, type OfflineCallOptions, type OfflinePiece } from '../../../server/agent/offline/OfflineChatModel.ts';
import { toolContext } from '../../../server/agent/toolContext.ts';
import { planTurn } from './planner.ts';
import { loadKnowledge, type MailKnowledge } from './knowledge.ts';
import { spaceLatinInChinese } from './chineseSpacing.ts';

export interface LocalMailModelOptions {
  /** Pause between streamed tokens, so answers read like a stream (default 4 ms; 0 = only yield to the event loop). */
  tokenDelayMs?: number;
  /** "Today" when the system prompt does not say (it normally does: currentDateLine). */
  now?: () => number;
}

interface LocalCallOptions extends OfflineCallOptions {
  /** The run's configurable (tool context): how the model reads the user's contacts and mail vocabulary. */
  runConfigurable?: RunnableConfig['configurable'];
}

export class LocalMailModel extends OfflineChatModel<LocalCallOptions> {
  private readonly now: () => number;

  constructor(options: LocalMailModelOptions = {}) {
    super(options.tokenDelayMs ?? 4);
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

  protected async planTurn(messages: BaseMessage[], options: LocalCallOptions): Promise<OfflinePiece[]> {
    const toolNames = new Set((options.tools ?? []).map((t) => convertToOpenAITool(t as never).function.name));
    const plan = await planTurn(messages, toolNames, this.now(), await this.knowledgeFor(options));
    // Reasoning a line at a time: the runtime shows it line by line anyway, and the answer starts sooner.
    const reasoning = plan.reasoning.map((line) => ({ reasoning: line }));
    // The sentence saying what it will do, then the tool calls: the order a model writes them in, so the
    // sentence shows before the tool card it announces (the runtime keeps parts in streamed order).
    const written = plan.lang === 'zh' ? spaceLatinInChinese : (text: string) => text;
    if (plan.kind === 'tools') return [...reasoning, { text: written(plan.say) }, { calls: plan.calls }];
    return [...reasoning, { text: written(plan.text) }];
  }
}
