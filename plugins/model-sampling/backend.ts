import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, McpError, type CreateMessageRequest, type ModelPreferences } from '@modelcontextprotocol/sdk/types.js';
import { estimateTokens, messagesText, LlmosError, type Completion, type CompleteOptions, type CompletionRequest, type ModelBackend, type ModelHealth, type ModelInfo } from '../../src/plugin-api/index.js';

/** The part of an MCP server session this backend uses; the SDK's Server satisfies it. */
export type SamplingPeer = Pick<Server, 'createMessage' | 'getClientCapabilities'>;

export interface SamplingDefaults {
  /** Sent with every request unless the task's metadata.model_preferences overrides fields. */
  modelPreferences?: ModelPreferences;
  /** The MCP request timeout; the kernel's per-call timeout normally ends a call first. */
  timeoutMs: number;
}

/** True when the client declared the sampling capability in initialize. */
export const clientCanSample = (peer: SamplingPeer): boolean => Boolean(peer.getClientCapabilities()?.sampling);

/** The task's metadata.model_preferences over the defaults, field by field. */
function preferences(defaults: ModelPreferences | undefined, req: CompletionRequest): ModelPreferences | undefined {
  const mine = req.metadata?.model_preferences as ModelPreferences | undefined;
  if (!defaults && !mine) return undefined;
  return { ...defaults, ...mine };
}

const finishReason = (stop: string | undefined): string => (stop === 'maxTokens' ? 'length' : stop === 'endTurn' || stop === 'stopSequence' || !stop ? 'stop' : stop);

/**
 * The connected MCP client's own model, reached with sampling/createMessage
 * on that client's session. It does not stream (the whole answer reaches
 * onToken once) and the protocol reports no usage, so token counts are the
 * kernel's estimate. close() aborts calls in flight: the session is gone.
 */
export class SamplingBackend implements ModelBackend {
  private readonly closing = new AbortController();

  constructor(
    readonly info: ModelInfo,
    private readonly peer: SamplingPeer,
    private readonly defaults: SamplingDefaults,
  ) {}

  async complete(request: CompletionRequest, { signal, onToken }: CompleteOptions): Promise<Completion> {
    signal.throwIfAborted();
    if (this.closing.signal.aborted) throw this.gone();
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
    const modelPreferences = preferences(this.defaults.modelPreferences, request);
    const params: CreateMessageRequest['params'] = {
      messages: request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: { type: 'text', text: m.content } })),
      maxTokens: request.max_tokens,
      ...(system.length ? { systemPrompt: system.join('\n\n') } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.stop?.length ? { stopSequences: request.stop } : {}),
      ...(modelPreferences ? { modelPreferences } : {}),
      includeContext: 'none',
    };
    let res;
    try {
      res = await this.peer.createMessage(params, { signal: AbortSignal.any([signal, this.closing.signal]), timeout: this.defaults.timeoutMs });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (this.closing.signal.aborted) throw this.gone();
      throw this.mapError(e);
    }
    const block = Array.isArray(res.content) ? res.content.find((c) => c.type === 'text') : res.content;
    if (!block || block.type !== 'text')
      throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the client answered with ${block?.type ?? 'no'} content instead of text; ask for a text answer or use another model.`, { retryable: false });
    onToken?.(block.text);
    return {
      text: block.text,
      usage: { prompt_tokens: estimateTokens(messagesText(request.messages)), completion_tokens: estimateTokens(block.text) },
      finish_reason: finishReason(res.stopReason),
    };
  }

  async health(): Promise<ModelHealth> {
    if (this.closing.signal.aborted) return { ok: false, detail: 'the client session ended' };
    return clientCanSample(this.peer) ? { ok: true, detail: 'client declared sampling' } : { ok: false, detail: 'the client did not declare the sampling capability' };
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  private gone(): LlmosError {
    return new LlmosError('LLMOS_EUNAVAILABLE', `model ${this.info.id}: the client session that offered it has ended; use another model.`, { retryable: false });
  }

  /** Timeouts may pass on a retry; refusals (the user declined) and closed sessions will not. */
  private mapError(e: unknown): LlmosError {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof McpError && e.code === ErrorCode.RequestTimeout)
      return new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the client did not answer sampling/createMessage in time; retrying.`, { retryable: true });
    if (e instanceof McpError && e.code === ErrorCode.ConnectionClosed) return this.gone();
    return new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the client refused or failed sampling/createMessage (${msg.slice(0, 200)}); use another model.`, { retryable: false });
  }
}
