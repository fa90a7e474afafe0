import { CallbackManager } from '@langchain/core/callbacks/manager';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk } from '@langchain/core/outputs';
import { ensureConfig, mergeConfigs, RunnableBinding, type Runnable, type RunnableConfig } from '@langchain/core/runnables';

/** What BaseChatModel.stream uses of a model, reached directly. */
interface StreamingModel {
  _streamResponseChunks(messages: BaseMessage[], options: Record<string, unknown>): AsyncGenerator<ChatGenerationChunk>;
  _separateRunnableConfigFromCallOptionsCompat(options: RunnableConfig & Record<string, unknown>): [RunnableConfig, Record<string, unknown> & { signal?: AbortSignal }];
}

/**
 * A model turn's chunks. `runnable.stream()` wraps every chunk in LangChain's
 * callback and tracing machinery — a callback manager configured and an
 * AsyncLocalStorage context entered per chunk, the turn re-concatenated
 * chunk by chunk (quadratic), tracing objects built — which reports to
 * nobody when no callback handler, tracer or verbose logging is configured
 * (the streaming bench's profile: about a sixth of a run's CPU). Then the
 * model's own `_streamResponseChunks` is read directly: the same request,
 * retries, abort and error mapping (they live in the model), the same
 * chunks. With any handler (LANGSMITH_TRACING, LangGraph's `messages`
 * stream mode, callbacks passed in), or a model that does not stream
 * itself, it is `runnable.stream()` as before.
 */
export async function modelStream(runnable: Runnable, messages: BaseMessage[], config: RunnableConfig): Promise<AsyncIterable<AIMessageChunk>> {
  const direct = await directStream(runnable, messages, config);
  return direct ?? ((await runnable.stream(messages, config)) as AsyncIterable<AIMessageChunk>);
}

async function directStream(runnable: Runnable, messages: BaseMessage[], config: RunnableConfig): Promise<AsyncIterable<AIMessageChunk> | null> {
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
  const signal = callOptions.signal;
  return (async function* () {
    signal?.throwIfAborted();
    for await (const chunk of streaming._streamResponseChunks(messages, callOptions)) {
      signal?.throwIfAborted();
      yield chunk.message as AIMessageChunk;
    }
  })();
}
