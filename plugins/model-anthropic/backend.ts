import type Anthropic from '@anthropic-ai/sdk';
import { estimatePromptTokens, LlmosError, type Completion, type CompleteOptions, type CompletionRequest, type ModelBackend, type ModelHealth, type ModelInfo, type PromptParts } from '../../src/plugin-api/index.js';
import { upstreamError } from './errors.js';
import { answerOf, checkHonoured, finishOf, toAnthropicPrompt } from './messages-format.js';

type Params = Omit<Anthropic.Messages.MessageCreateParamsNonStreaming, 'stream'>;
type Usage = { input_tokens?: number | null; output_tokens?: number | null; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null };

/** Prompt tokens as Anthropic splits them: uncached, read from cache, written to cache. */
const promptTokens = (u: Usage) => (u.input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);

/** A streamed block being put together: text, or a tool call's JSON input arriving in pieces. */
interface OpenBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  json?: string;
}

/**
 * One model behind any Messages API endpoint (Anthropic's, or a local
 * server that speaks it: llama.cpp's serves /v1/messages), through the
 * official SDK. A call with onToken streams; one without asks for one JSON
 * answer. The client is built with maxRetries 0: retries, backoff,
 * fallback and cooldown belong to the kernel.
 */
export class AnthropicBackend implements ModelBackend {
  /** false once the endpoint showed it has no count_tokens. */
  private serverCounts = true;

  constructor(
    readonly info: ModelInfo,
    private readonly upstreamModel: string,
    private readonly client: Anthropic,
    private readonly healthTimeoutMs: number,
  ) {}

  async complete(request: CompletionRequest, { signal, onToken }: CompleteOptions): Promise<Completion> {
    signal.throwIfAborted();
    if (request.tools?.length && !this.info.capabilities.tool_calling)
      throw new LlmosError('LLMOS_EINVAL', `model ${this.info.id} does not support tool calling; use a model with capabilities.tool_calling, or spawn without tools.`);
    checkHonoured(this.info.id, request);
    const params: Params = {
      model: this.upstreamModel,
      max_tokens: request.max_tokens,
      ...toAnthropicPrompt(request),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.stop?.length && { stop_sequences: request.stop }),
    };
    try {
      return onToken ? await this.streamed(params, signal, onToken) : await this.whole(params, signal);
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw upstreamError(this.info.id, e);
    }
  }

  private async whole(params: Params, signal: AbortSignal): Promise<Completion> {
    const r = await this.client.messages.create({ ...params, stream: false }, { signal });
    if (!Array.isArray(r?.content)) throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the answer has no content (not an Anthropic Message); retrying.`, { retryable: true });
    return { ...answerOf(r.content), usage: { prompt_tokens: promptTokens(r.usage), completion_tokens: r.usage.output_tokens }, ...finishOf(r.stop_reason, r.stop_sequence) };
  }

  /** Reads the raw event stream (not the SDK's MessageStream, which refuses a stream without message_start, as llama.cpp's server sometimes sends). */
  private async streamed(params: Params, signal: AbortSignal, onToken: (text: string) => void): Promise<Completion> {
    const blocks: OpenBlock[] = [];
    const usage: Usage = {};
    let stop: { reason?: string | null; sequence?: string | null } | undefined;
    const stream = await this.client.messages.create({ ...params, stream: true }, { signal });
    for await (const ev of stream) {
      if (ev.type === 'message_start') Object.assign(usage, ev.message.usage);
      else if (ev.type === 'content_block_start') blocks[ev.index] = { ...ev.content_block, json: '' } as OpenBlock;
      else if (ev.type === 'content_block_delta') {
        const b = (blocks[ev.index] ??= { type: ev.delta.type === 'input_json_delta' ? 'tool_use' : 'text', json: '' });
        if (ev.delta.type === 'text_delta') (b.text = (b.text ?? '') + ev.delta.text), onToken(ev.delta.text);
        else if (ev.delta.type === 'input_json_delta') b.json += ev.delta.partial_json;
      } else if (ev.type === 'message_delta') {
        stop = { reason: ev.delta.stop_reason, sequence: ev.delta.stop_sequence };
        for (const [k, v] of Object.entries(ev.usage)) if (v != null) (usage as Record<string, unknown>)[k] = v;
      }
    }
    signal.throwIfAborted();
    if (!stop) throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the stream ended without message_delta (truncated, or not a Messages stream); retrying.`, { retryable: true });
    const done = blocks.filter(Boolean).map((b) => (b.type === 'tool_use' ? { ...b, input: this.inputOf(b) } : b));
    return { ...answerOf(done), usage: { prompt_tokens: promptTokens(usage), completion_tokens: usage.output_tokens ?? 0 }, ...finishOf(stop.reason, stop.sequence) };
  }

  private inputOf(b: OpenBlock): Record<string, unknown> {
    try {
      const v: unknown = JSON.parse(b.json || '{}');
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id} streamed tool call ${b.id} with input that is not a JSON object (${(b.json ?? '').slice(0, 120)}); retry, or use a model that calls tools reliably.`, { retryable: false });
  }

  /** The endpoint's own count (POST /v1/messages/count_tokens), else the kernel's estimate; an endpoint without it is asked once. */
  async countTokens(prompt: PromptParts): Promise<number> {
    if (!this.serverCounts) return estimatePromptTokens(prompt);
    try {
      const r = await this.client.messages.countTokens({ model: this.upstreamModel, ...toAnthropicPrompt(prompt) }, { signal: AbortSignal.timeout(this.healthTimeoutMs) });
      if (typeof r?.input_tokens === 'number') return r.input_tokens;
      this.serverCounts = false;
    } catch (e) {
      if ((e as { status?: number }).status === 404) this.serverCounts = false;
    }
    return estimatePromptTokens(prompt);
  }

  /** The endpoint lists its models (GET /v1/models) within the health timeout. */
  async health(): Promise<ModelHealth> {
    const t0 = Date.now();
    try {
      const page = await this.client.models.list({}, { signal: AbortSignal.timeout(this.healthTimeoutMs) });
      const ids = page.data.map((m) => m.id);
      return { ok: true, latency_ms: Date.now() - t0, detail: ids.includes(this.upstreamModel) ? `serves ${this.upstreamModel}` : `reachable; ${this.upstreamModel} not in its model list (${ids.slice(0, 5).join(', ')})` };
    } catch (e) {
      return { ok: false, latency_ms: Date.now() - t0, detail: upstreamError(this.info.id, e).message };
    }
  }

  async close(): Promise<void> {}
}
