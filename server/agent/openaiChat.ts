/**
 * The chat model of LLM_PROVIDER=openai: OpenAI's chat-completions API, or
 * any OpenAI-compatible server, spoken over node:http(s) with a minimal SSE
 * parser.
 *
 * Why not ChatOpenAI: per streamed token it went through undici's fetch and
 * web streams, the OpenAI SDK's SSE decoder and an AIMessageChunk plus a
 * ChatGenerationChunk per delta; in the streaming bench's profile (100 runs
 * at once) that was about a quarter of the server's CPU. Here a token is one
 * JSON.parse and one small object handed to the caller synchronously
 * (`streamDeltas`, which the agent's graph uses when nobody listens to
 * LangChain callbacks). As a LangChain model (`stream`, `invoke`,
 * `bindTools`) it yields ordinary message chunks.
 *
 * What it keeps of ChatOpenAI's behaviour: the request (messages converted by
 * @langchain/openai's own converter, tools by LangChain's, `stream_options.
 * include_usage`), streamed text, reasoning (`reasoning_content` or
 * `reasoning` deltas), streamed tool calls, usage, abort, retries on
 * connection errors, 408, 409, 429 and 5xx before anything streamed (twice by
 * default, honouring retry-after), and an error with the server's status and
 * message otherwise.
 */
import http from 'node:http';
import https from 'node:https';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { AIMessage, AIMessageChunk, type BaseMessage, type ToolCallChunk, type UsageMetadata } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { convertMessagesToCompletionsMessageParams } from '@langchain/openai';
import type { ModelDelta } from './modelStream.ts';

type OpenAITool = ReturnType<typeof convertToOpenAITool>;
type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface OpenAIChatCallOptions extends BaseChatModelCallOptions {
  tools?: OpenAITool[];
  tool_choice?: ToolChoice;
}

export interface OpenAIChatFields extends BaseChatModelParams {
  model: string;
  /** Sent as a bearer token when given (local servers need none). */
  apiKey?: string;
  /** Default https://api.openai.com/v1. */
  baseUrl?: string;
  /** Retries of a request that failed before anything streamed (as the OpenAI SDK: 2). */
  maxRetries?: number;
  /** A request with no data from the server for this long fails (and is retried); default 10 minutes, as the SDK. */
  timeoutMs?: number;
}

/** The server refused or broke the request; `status` is the HTTP status, when there was one. */
export class ModelRequestError extends Error {
  override name = 'ModelRequestError';
  constructor(
    message: string,
    readonly status?: number,
    readonly retryable = false,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const RETRYABLE_STATUS = new Set([408, 409, 429]);

export class OpenAIChatModel extends BaseChatModel<OpenAIChatCallOptions, AIMessageChunk> {
  readonly model: string;
  private readonly apiKey: string | undefined;
  private readonly url: URL;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;

  static override lc_name() {
    return 'OpenAIChatModel';
  }

  constructor(fields: OpenAIChatFields) {
    super(fields);
    this.model = fields.model;
    this.apiKey = fields.apiKey;
    this.url = new URL(`${(fields.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/chat/completions`);
    this.maxRetries = fields.maxRetries ?? 2;
    this.timeoutMs = fields.timeoutMs ?? 600_000;
    const Agent = this.url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true });
  }

  _llmType(): string {
    return 'openai';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<OpenAIChatCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, OpenAIChatCallOptions> {
    return this.withConfig({ tools: tools.map((t) => convertToOpenAITool(t)), ...kwargs } as Partial<OpenAIChatCallOptions>);
  }

  /**
   * Streams one completion, handing each delta to `onDelta` as it is parsed
   * (synchronously, from the socket's data callback). Resolves when the
   * server ends the stream; rejects on abort (`options.signal`) or failure.
   */
  async streamDeltas(messages: BaseMessage[], options: OpenAIChatCallOptions, onDelta: (d: ModelDelta) => void): Promise<void> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const body = JSON.stringify(this.requestBody(messages, options));
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.post(body, signal);
        return await readStream(res, signal, onDelta);
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        if (!(err instanceof ModelRequestError) || !err.retryable || attempt >= this.maxRetries) throw err;
        await sleep(err.retryAfterMs ?? backoffMs(attempt), signal);
      }
    }
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    // The deltas arrive pushed; this hands them out as LangChain's pulled chunks.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const queue: ModelDelta[] = [];
    let wake: (() => void) | null = null;
    let ended: { error?: unknown } | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    void this.streamDeltas(messages, { ...options, signal }, (d) => {
      queue.push(d);
      notify();
    }).then(
      () => ((ended = {}), notify()),
      (error: unknown) => ((ended = { error }), notify()),
    );
    try {
      for (;;) {
        let d: ModelDelta | undefined;
        while ((d = queue.shift()) !== undefined) {
          const chunk = new ChatGenerationChunk({ text: d.text, message: toMessageChunk(d) });
          yield chunk;
          if (d.text) await runManager?.handleLLMNewToken(d.text, undefined, undefined, undefined, undefined, { chunk });
        }
        const end = ended as { error?: unknown } | null;
        if (end) {
          if ('error' in end) throw end.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      // The caller stopped reading early: the request goes too.
      stop.abort();
    }
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let full: AIMessageChunk | undefined;
    for await (const c of this._streamResponseChunks(messages, options, runManager)) {
      full = full ? full.concat(c.message as AIMessageChunk) : (c.message as AIMessageChunk);
    }
    const chunk = full ?? new AIMessageChunk({ content: '' });
    const message = new AIMessage({
      content: chunk.content,
      additional_kwargs: chunk.additional_kwargs,
      tool_calls: chunk.tool_calls ?? [],
      invalid_tool_calls: chunk.invalid_tool_calls ?? [],
      ...(chunk.usage_metadata ? { usage_metadata: chunk.usage_metadata } : {}),
    });
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }

  private requestBody(messages: BaseMessage[], options: OpenAIChatCallOptions): Record<string, unknown> {
    return {
      model: this.model,
      messages: convertMessagesToCompletionsMessageParams({ messages, model: this.model }),
      stream: true,
      stream_options: { include_usage: true },
      ...(options.tools?.length ? { tools: options.tools } : {}),
      ...(options.tool_choice ? { tool_choice: toolChoice(options.tool_choice) } : {}),
      ...(options.stop ? { stop: options.stop } : {}),
    };
  }

  /** Sends the request; resolves with a 2xx response, rejects with a ModelRequestError (retryable or not). */
  private post(body: string, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const transport = this.url.protocol === 'https:' ? https : http;
      const req = transport.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'content-length': Buffer.byteLength(body),
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
      });
      const onAbort = () => req.destroy(abortError(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      req.setTimeout(this.timeoutMs, () => req.destroy(new ModelRequestError(`The model server sent nothing for ${this.timeoutMs} ms`, undefined, true)));
      req.on('error', (err) => {
        settle();
        reject(err instanceof ModelRequestError || signal?.aborted ? err : new ModelRequestError(`Could not reach the model server: ${err.message}`, undefined, true));
      });
      req.on('response', (res) => {
        settle();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(res);
        readAll(res).then(
          (text) => reject(new ModelRequestError(`The model server answered ${status}: ${errorMessage(text)}`, status, RETRYABLE_STATUS.has(status) || status >= 500, retryAfterMs(res))),
          (err: Error) => reject(new ModelRequestError(`The model server answered ${status} (${err.message})`, status, true)),
        );
      });
      req.end(body);
    });
  }
}

/**
 * Reads an SSE stream of chat-completion chunks, handing each delta that
 * carries something (text, reasoning, tool-call pieces, usage) to `onDelta`.
 */
function readStream(res: http.IncomingMessage, signal: AbortSignal | undefined, onDelta: (d: ModelDelta) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let data: string | null = null;
    let event = '';
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) {
        // Read what is left (nothing, normally) so the connection can serve the next request.
        res.resume();
        resolve();
      } else {
        res.destroy();
        reject(err);
      }
    };
    const onAbort = () => finish(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const dispatch = (payload: string) => {
      if (payload === '[DONE]') return finish();
      const json = JSON.parse(payload) as StreamChunk;
      if (event === 'error' || json.error) {
        const e = json.error ?? json;
        throw new ModelRequestError(`The model server failed mid-stream: ${typeof e.message === 'string' ? e.message : payload}`);
      }
      const delta = deltaOf(json);
      if (delta) onDelta(delta);
    };
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      if (settled) return;
      buffer = buffer ? buffer + text : text;
      let start = 0;
      try {
        for (let nl = buffer.indexOf('\n'); nl >= 0 && !settled; nl = buffer.indexOf('\n', start)) {
          const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
          const line = buffer.slice(start, end);
          start = nl + 1;
          if (line === '') {
            // A blank line ends an event.
            if (data !== null) dispatch(data);
            data = null;
            event = '';
          } else if (line.startsWith('data:')) {
            const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
            data = data === null ? value : `${data}\n${value}`;
          } else if (line.startsWith('event:')) {
            event = line.slice(6).trim();
          }
          // Comments (":…"), id: and retry: lines mean nothing here.
        }
      } catch (err) {
        return finish(err);
      }
      buffer = start < buffer.length ? buffer.slice(start) : '';
    });
    res.on('end', () => {
      // A server that ends without [DONE] (some do) ends the stream all the same.
      try {
        if (!settled && data !== null) dispatch(data);
      } catch (err) {
        return finish(err);
      }
      finish();
    });
    res.on('error', (err) => {
      if (!settled) finish(signal?.aborted ? abortError(signal) : new ModelRequestError(`The model server's stream broke: ${err.message}`));
    });
    // After every stream, also a complete one: no error (and its stack trace) built unless it is one.
    res.on('close', () => {
      if (!settled) finish(signal?.aborted ? abortError(signal) : new ModelRequestError("The model server's stream ended early"));
    });
  });
}

interface StreamChunk {
  choices?: { delta?: Delta | null; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; prompt_tokens_details?: { cached_tokens?: number }; completion_tokens_details?: { reasoning_tokens?: number } } | null;
  error?: { message?: unknown };
  message?: unknown;
}

interface Delta {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
}

/** What a chunk adds to the turn, or null when it adds nothing (the role-only first chunk, the finish chunk). */
function deltaOf(json: StreamChunk): ModelDelta | null {
  const d = json.choices?.[0]?.delta;
  const text = typeof d?.content === 'string' ? d.content : '';
  // DeepSeek, vLLM and Qwen send reasoning_content; Ollama, LM Studio and OpenRouter send reasoning.
  const reasoning = typeof d?.reasoning_content === 'string' ? d.reasoning_content : typeof d?.reasoning === 'string' ? d.reasoning : '';
  let toolCalls: ToolCallChunk[] | undefined;
  if (d?.tool_calls?.length) {
    toolCalls = d.tool_calls.map((c) => ({
      type: 'tool_call_chunk' as const,
      ...(c.index !== undefined ? { index: c.index } : {}),
      ...(c.id ? { id: c.id } : {}),
      ...(c.function?.name ? { name: c.function.name } : {}),
      args: c.function?.arguments ?? '',
    }));
  }
  const usage = json.usage ? usageOf(json.usage) : undefined;
  if (!text && !reasoning && !toolCalls && !usage) return null;
  return { text, reasoning, toolCalls, usage };
}

function usageOf(u: NonNullable<StreamChunk['usage']>): UsageMetadata {
  const input_tokens = u.prompt_tokens ?? 0;
  const output_tokens = u.completion_tokens ?? 0;
  return {
    input_tokens,
    output_tokens,
    total_tokens: u.total_tokens ?? input_tokens + output_tokens,
    ...(u.prompt_tokens_details?.cached_tokens !== undefined ? { input_token_details: { cache_read: u.prompt_tokens_details.cached_tokens } } : {}),
    ...(u.completion_tokens_details?.reasoning_tokens !== undefined ? { output_token_details: { reasoning: u.completion_tokens_details.reasoning_tokens } } : {}),
  };
}

/** A delta as LangChain's message chunk (reasoning where ChatOpenAI put it: additional_kwargs.reasoning_content). */
function toMessageChunk(d: ModelDelta): AIMessageChunk {
  return new AIMessageChunk({
    content: d.text,
    additional_kwargs: d.reasoning ? { reasoning_content: d.reasoning } : {},
    tool_call_chunks: d.toolCalls ?? [],
    ...(d.usage ? { usage_metadata: d.usage } : {}),
  });
}

function toolChoice(choice: ToolChoice | string): ToolChoice {
  if (typeof choice !== 'string') return choice;
  if (choice === 'any') return 'required';
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  return { type: 'function', function: { name: choice } };
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (s: string) => (text += s));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

/** The message of an OpenAI-style error body, else the body itself (shortened). */
function errorMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof json.error === 'string' ? json.error : (json.error?.message ?? json.message);
    if (typeof m === 'string') return m;
  } catch {
    // Not JSON: the text is the message.
  }
  return body.slice(0, 500) || '(no body)';
}

/** The wait a 429/503 asks for (retry-after-ms, retry-after in seconds or as a date), when it is reasonable. */
function retryAfterMs(res: http.IncomingMessage): number | undefined {
  const ms = Number(res.headers['retry-after-ms']);
  let wait = Number.isFinite(ms) && res.headers['retry-after-ms'] !== undefined ? ms : undefined;
  const after = res.headers['retry-after'];
  if (wait === undefined && typeof after === 'string') {
    const s = Number(after);
    wait = Number.isFinite(s) ? s * 1000 : Date.parse(after) - Date.now();
  }
  return wait !== undefined && wait >= 0 && wait < 60_000 ? wait : undefined;
}

/** As the OpenAI SDK: 0.5 s doubling per retry, at most 8 s, less up to a quarter of jitter. */
function backoffMs(attempt: number): number {
  return Math.min(0.5 * 2 ** attempt, 8) * (1 - Math.random() * 0.25) * 1000;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('Aborted');
  err.name = 'AbortError';
  return err;
}
