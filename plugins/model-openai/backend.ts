import type OpenAI from 'openai';
import {
  estimateTokens,
  LlmosError,
  type Completion,
  type CompleteOptions,
  type CompletionRequest,
  type ModelBackend,
  type ModelHealth,
  type ModelInfo,
} from '../../src/plugin-api/index.js';
import { upstreamError } from './errors.js';

/**
 * One model behind an OpenAI-compatible endpoint. Every call streams
 * (`stream_options.include_usage`), so text reaches onToken as it arrives
 * and usage comes from the server. The client must be built with
 * maxRetries: 0: retries, backoff and fallback belong to the kernel.
 */
export class OpenAIBackend implements ModelBackend {
  constructor(
    readonly info: ModelInfo,
    /** The name the endpoint knows the model by. */
    private readonly upstreamModel: string,
    private readonly client: OpenAI,
    private readonly healthTimeoutMs: number,
  ) {}

  async complete(request: CompletionRequest, { signal, onToken }: CompleteOptions): Promise<Completion> {
    signal.throwIfAborted();
    let text = '';
    let chunks = 0;
    let finish: string | undefined;
    let usage: Completion['usage'] | undefined;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.upstreamModel,
          messages: request.messages,
          max_tokens: request.max_tokens,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.seed !== undefined ? { seed: request.seed } : {}),
          ...(request.stop?.length ? { stop: request.stop } : {}),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );
      for await (const chunk of stream) {
        if (chunk.usage) usage = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens };
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const piece = choice.delta?.content;
        if (piece) {
          text += piece;
          chunks++;
          onToken?.(piece);
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      throw upstreamError(this.info.id, e);
    }
    // The openai stream ends quietly when its signal aborts; a partial answer is not a result.
    if (signal.aborted) throw signal.reason;
    if (finish === undefined)
      throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the stream ended without a finish_reason (truncated or not an OpenAI chat stream); retrying.`, { retryable: true });
    return {
      text,
      // Servers that ignore include_usage get the kernel's estimate for the prompt and one token per streamed chunk.
      usage: usage ?? { prompt_tokens: estimateTokens(request.messages.map((m) => m.content).join('\n')), completion_tokens: chunks },
      finish_reason: finish,
    };
  }

  /** The endpoint answers GET /models within the health timeout. */
  async health(): Promise<ModelHealth> {
    const t0 = Date.now();
    try {
      const page = await this.client.models.list({ signal: AbortSignal.timeout(this.healthTimeoutMs) });
      const ids = page.data.map((m) => m.id);
      const listed = ids.includes(this.upstreamModel);
      return { ok: true, latency_ms: Date.now() - t0, detail: listed ? `serves ${this.upstreamModel}` : `reachable; ${this.upstreamModel} not in its model list (${ids.slice(0, 5).join(', ')})` };
    } catch (e) {
      return { ok: false, latency_ms: Date.now() - t0, detail: upstreamError(this.info.id, e).message };
    }
  }

  /** The HTTP client is shared by the plugin's models and holds no sockets of its own to free. */
  async close(): Promise<void> {}
}
