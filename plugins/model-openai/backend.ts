import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsBase, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { estimateTokens, messagesText, LlmosError, type Completion, type ContentBlock, type CompleteOptions, type CompletionRequest, type Embeddings, type ModelBackend, type TokenLogprobs, type ModelHealth, type ModelInfo, type PromptParts } from '../../src/plugin-api/index.js';
import { PromptCounter } from './prompt-count.js';
import { answerBlocks, toOpenAiExtras, toOpenAiMessages, toolUseOf } from './chat-format.js';
import { upstreamError } from './errors.js';
import { postJson, postSse } from './direct.js';
import type { OpenAIConnection } from './connection.js';

/**
 * One model behind an OpenAI-compatible endpoint. A call with onToken streams
 * (`stream_options.include_usage`), so text reaches onToken as it arrives and
 * usage comes from the server; a call without onToken (nobody watches the
 * tokens) asks for one JSON answer, which costs the endpoint and us less.
 * Both go straight on the connection's pool when it has one (direct.ts).
 * The client must be built with maxRetries: 0: retries, backoff and fallback
 * belong to the kernel.
 */
export class OpenAIBackend implements ModelBackend {
  private readonly client: OpenAIConnection['client'];
  private readonly counter: PromptCounter;

  constructor(
    readonly info: ModelInfo,
    /** The name the endpoint knows the model by. */
    private readonly upstreamModel: string,
    private readonly connection: OpenAIConnection,
    private readonly healthTimeoutMs: number,
  ) {
    this.client = connection.client;
    this.counter = new PromptCounter(connection.client, upstreamModel, healthTimeoutMs);
  }

  /** Exact when the server renders and tokenizes for us (llama.cpp's server), else an upper estimate with the error bound stated in prompt-count.ts. */
  countTokens(prompt: PromptParts): Promise<number> {
    return this.counter.count(prompt);
  }

  async complete(request: CompletionRequest, { signal, onToken }: CompleteOptions): Promise<Completion> {
    signal.throwIfAborted();
    if (request.tools?.length && !this.info.capabilities.tool_calling)
      throw new LlmosError('LLMOS_EINVAL', `model ${this.info.id} does not support tool calling; use a model with capabilities.tool_calling, or spawn without tools.`);
    const params: ChatCompletionCreateParamsBase = {
      model: this.upstreamModel,
      messages: toOpenAiMessages(request.messages),
      ...toOpenAiExtras(request),
      max_tokens: request.max_tokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(request.presence_penalty !== undefined && { presence_penalty: request.presence_penalty }),
      ...(request.frequency_penalty !== undefined && { frequency_penalty: request.frequency_penalty }),
      ...(request.logprobs && { logprobs: true, ...(request.top_logprobs !== undefined && { top_logprobs: request.top_logprobs }) }),
    };
    try {
      return onToken ? await this.streamed(params, request, signal, onToken) : await this.whole(params, request, signal);
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw upstreamError(this.info.id, e);
    }
  }

  private async streamed(params: ChatCompletionCreateParamsBase, request: CompletionRequest, signal: AbortSignal, onToken: (text: string) => void): Promise<Completion> {
    let text = '';
    let chunks = 0;
    let finish: string | undefined;
    let usage: Completion['usage'] | undefined;
    const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
    const logprobs: NonNullable<TokenLogprobs['content']> = [];
    const body: ChatCompletionCreateParamsStreaming = Object.assign({}, params, { stream: true as const, stream_options: { include_usage: true } });
    const take = (chunk: ChatCompletionChunk) => {
      if (chunk.usage) usage = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens };
      const choice = chunk.choices?.[0];
      if (!choice) return;
      const piece = choice.delta?.content;
      if (piece) {
        text += piece;
        chunks++;
        onToken(piece);
      }
      for (const d of choice.delta?.tool_calls ?? []) {
        const c = (calls[d.index] ??= { arguments: '' });
        c.id ??= d.id;
        c.name ??= d.function?.name;
        c.arguments += d.function?.arguments ?? '';
      }
      if (choice.logprobs?.content) logprobs.push(...choice.logprobs.content);
      if (choice.finish_reason) finish = choice.finish_reason;
    };
    if (this.connection.direct) await postSse(this.connection.direct, '/chat/completions', body, signal, take as (message: unknown) => void);
    else for await (const chunk of await this.client.chat.completions.create(body, { signal })) take(chunk);
    // The openai client's stream ends quietly when its signal aborts; a partial answer is not a result.
    signal.throwIfAborted();
    if (finish === undefined)
      throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the stream ended without a finish_reason (truncated or not an OpenAI chat stream); retrying.`, { retryable: true });
    // Servers that ignore include_usage get the kernel's estimate for the prompt and one token per streamed chunk.
    const content = answerBlocks(text, calls.filter(Boolean).map((c) => toolUseOf(this.info.id, c)));
    return {
      text,
      ...(content && { content }),
      usage: usage ?? { prompt_tokens: promptEstimate(request), completion_tokens: chunks },
      finish_reason: finish,
      ...(request.logprobs && { logprobs: { content: logprobs } }),
    };
  }

  private async whole(params: ChatCompletionCreateParamsBase, request: CompletionRequest, signal: AbortSignal): Promise<Completion> {
    const body: ChatCompletionCreateParamsNonStreaming = Object.assign({}, params, { stream: false as const }); // not a spread and a key: V8's slow mode, 1 µs more to serialize
    const r = this.connection.direct ? ((await postJson(this.connection.direct, '/chat/completions', body, signal)) as ChatCompletion) : await this.client.chat.completions.create(body, { signal });
    const choice = r.choices?.[0];
    if (!choice?.finish_reason)
      throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the answer has no choice with a finish_reason (not an OpenAI chat completion); retrying.`, { retryable: true });
    const text = choice.message?.content ?? '';
    const uses: ContentBlock[] = (choice.message?.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [toolUseOf(this.info.id, { id: c.id, ...c.function })] : []));
    const content = answerBlocks(text, uses);
    return {
      text,
      ...(content && { content }),
      usage: r.usage ? { prompt_tokens: r.usage.prompt_tokens, completion_tokens: r.usage.completion_tokens } : { prompt_tokens: promptEstimate(request), completion_tokens: estimateTokens(text) },
      finish_reason: choice.finish_reason,
      ...(request.logprobs && choice.logprobs && { logprobs: { content: choice.logprobs.content ?? null } }),
    };
  }

  /** POST /embeddings upstream, float vectors in input order. */
  async embed(texts: string[], { signal }: { signal: AbortSignal }): Promise<Embeddings> {
    try {
      const r = await this.client.embeddings.create({ model: this.upstreamModel, input: texts, encoding_format: 'float' }, { signal });
      const vectors = [...r.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      return { embeddings: vectors, usage: { prompt_tokens: r.usage?.prompt_tokens ?? estimateTokens(texts.join('\n')) } };
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw upstreamError(this.info.id, e);
    }
  }

  /** The endpoint answers GET /models with a JSON model list within the health timeout. */
  async health(): Promise<ModelHealth> {
    const t0 = Date.now();
    try {
      const { data: page, response } = await this.client.models.list({ signal: AbortSignal.timeout(this.healthTimeoutMs) }).withResponse();
      // A 200 that is not JSON (an HTML page, another service) is not an OpenAI-compatible endpoint.
      if (!/json/i.test(response.headers.get('content-type') ?? '')) return { ok: false, latency_ms: Date.now() - t0, detail: 'GET /models did not answer with JSON' };
      const ids = page.data.map((m) => m.id);
      const listed = ids.includes(this.upstreamModel);
      return { ok: true, latency_ms: Date.now() - t0, detail: listed ? `serves ${this.upstreamModel}` : `reachable; ${this.upstreamModel} not in its model list (${ids.slice(0, 5).join(', ')})` };
    } catch (e) {
      return { ok: false, latency_ms: Date.now() - t0, detail: upstreamError(this.info.id, e).message };
    }
  }

  /** Frees this model's pooled sockets. */
  async close(): Promise<void> {
    await this.connection.close();
  }
}

const promptEstimate = (request: CompletionRequest): number => estimateTokens(messagesText(request.messages));
