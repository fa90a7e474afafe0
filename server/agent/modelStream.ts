import { CallbackManager } from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage, ToolCallChunk, UsageMetadata } from '@langchain/core/messages';
import type { ChatGenerationChunk } from '@langchain/core/outputs';
import { ensureConfig, mergeConfigs, RunnableBinding, type Runnable, type RunnableConfig } from '@langchain/core/runnables';
import { reasoningOf, textOf } from './messageParts.ts';

/** What one streamed piece of a model turn adds: the parts of it the run uses, whatever the provider. */
export interface ModelDelta {
  text: string;
  reasoning: string;
  toolCalls: ToolCallChunk[] | undefined;
  usage: UsageMetadata | undefined;
}

/** What BaseChatModel.stream uses of a model, reached directly. */
interface StreamingModel {
  _streamResponseChunks(messages: BaseMessage[], options: Record<string, unknown>): AsyncGenerator<ChatGenerationChunk>;
  _separateRunnableConfigFromCallOptionsCompat(options: RunnableConfig & Record<string, unknown>): [RunnableConfig, Record<string, unknown> & { signal?: AbortSignal }];
}

/** A model that pushes its deltas as they are parsed (OpenAIChatModel): no chunk objects, no promise per token. */
interface DeltaStreamingModel {
  streamDeltas(messages: BaseMessage[], options: Record<string, unknown>, onDelta: (d: ModelDelta) => void): Promise<void>;
}

/**
 * Streams a model turn into `onDelta`, resolving when the turn ends.
 * `runnable.stream()` wraps every chunk in LangChain's callback and tracing
 * machinery — a callback manager configured and an AsyncLocalStorage context
 * entered per chunk, the turn re-concatenated chunk by chunk (quadratic),
 * tracing objects built — which reports to nobody when no callback handler,
 * tracer or verbose logging is configured (the streaming bench's profile:
 * about a sixth of a run's CPU). Then the model is driven directly: its
 * `streamDeltas` when it has one (the OpenAI-compatible model), else its own
 * `_streamResponseChunks`: the same request, retries, abort and error
 * mapping (they live in the model), the same content. With any handler
 * (LANGSMITH_TRACING, LangGraph's `messages` stream mode, callbacks passed
 * in), or a model that does not stream itself, it is `runnable.stream()` as
 * before.
 */
export async function streamTurn(runnable: Runnable, messages: BaseMessage[], config: RunnableConfig, deliver: (d: ModelDelta) => void): Promise<void> {
  const onDelta = (d: ModelDelta) => deliver(d.text.includes('\0') || d.reasoning.includes('\0') ? withoutNul(d) : d);
  const direct = await directModel(runnable, config);
  if (!direct) {
    for await (const c of await runnable.stream(messages, config)) onDelta(deltaOfChunk(c as AIMessageChunk));
    return;
  }
  const { model, callOptions } = direct;
  const signal = callOptions.signal;
  signal?.throwIfAborted();
  if (typeof (model as unknown as Partial<DeltaStreamingModel>).streamDeltas === 'function') {
    return (model as unknown as DeltaStreamingModel).streamDeltas(messages, callOptions, onDelta);
  }
  for await (const chunk of model._streamResponseChunks(messages, callOptions)) {
    signal?.throwIfAborted();
    onDelta(deltaOfChunk(chunk.message as AIMessageChunk));
  }
}

async function directModel(runnable: Runnable, config: RunnableConfig): Promise<{ model: StreamingModel; callOptions: Record<string, unknown> & { signal?: AbortSignal } } | null> {
  let model: unknown = runnable;
  let options = ensureConfig(config) as RunnableConfig & Record<string, unknown>;
  if (RunnableBinding.isRunnableBinding(runnable)) {
    const binding = runnable as RunnableBinding<unknown, unknown>;
    // What RunnableBinding.stream passes on (tools bound with bindTools travel in its config).
    if (binding.configFactories?.length) return null;
    model = binding.bound;
    options = { ...mergeConfigs(binding.config, options), ...binding.kwargs };
  }
  if (!(model instanceof BaseChatModel)) return null;
  if (model._streamResponseChunks === BaseChatModel.prototype._streamResponseChunks || model.disableStreaming) return null;
  const streaming = model as unknown as StreamingModel;
  const [runnableConfig, callOptions] = streaming._separateRunnableConfigFromCallOptionsCompat(options);
  if ((callOptions.outputVersion ?? model.outputVersion) === 'v1') return null;
  // LangChain's own decision of who listens (handlers passed in, the model's, tracing from the environment, verbose).
  const listeners = await CallbackManager.configure(
    runnableConfig.callbacks,
    model.callbacks,
    runnableConfig.tags,
    model.tags,
    runnableConfig.metadata,
    model.metadata,
    { verbose: model.verbose },
  );
  if (listeners && listeners.handlers.length > 0) return null;
  return { model: streaming, callOptions };
}

function deltaOfChunk(c: AIMessageChunk): ModelDelta {
  return { text: textOf(c), reasoning: reasoningOf(c), toolCalls: c.tool_call_chunks?.length ? c.tool_call_chunks : undefined, usage: c.usage_metadata };
}

/** PostgreSQL text and jsonb hold no NUL: one in a model's output would fail the run when its answer is stored. */
function withoutNul(d: ModelDelta): ModelDelta {
  return { ...d, text: d.text.replaceAll('\0', '\uFFFD'), reasoning: d.reasoning.replaceAll('\0', '\uFFFD') };
}
