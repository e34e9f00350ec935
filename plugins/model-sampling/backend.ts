import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, McpError, type CreateMessageRequest, type ModelPreferences } from '@modelcontextprotocol/sdk/types.js';
import { contentText, estimateTokens, messagesText, needsTools, LlmosError, type Completion, type CompleteOptions, type CompletionRequest, type ModelBackend, type ModelHealth, type ModelInfo } from '../../src/plugin-api/index.js';

/** The part of an MCP server session this backend uses; the SDK's Server satisfies it. */
export type SamplingPeer = Pick<Server, 'createMessage' | 'getClientCapabilities'>;

export interface SamplingDefaults {
  /** Sent with every request unless the task's metadata.model_preferences overrides fields. */
  modelPreferences?: ModelPreferences;
  /** The MCP request timeout; the kernel's per-call timeout normally ends a call first. */
  timeoutMs: number;
}

import { fromSamplingContent, samplingTools, systemPrompt, toSamplingMessages } from './sampling-format.js';

/** True when the client declared the sampling capability in initialize. */
export const clientCanSample = (peer: SamplingPeer): boolean => Boolean(peer.getClientCapabilities()?.sampling);
/** True when the client declared sampling with tools (sampling.tools), so createMessage may offer tools. */
export const clientCanSampleTools = (peer: SamplingPeer): boolean => Boolean(peer.getClientCapabilities()?.sampling?.tools);

/** The task's metadata.model_preferences over the defaults, field by field. */
function preferences(defaults: ModelPreferences | undefined, req: CompletionRequest): ModelPreferences | undefined {
  const mine = req.metadata?.model_preferences as ModelPreferences | undefined;
  if (!defaults && !mine) return undefined;
  return { ...defaults, ...mine };
}

const finishReason = (stop: string | undefined): string =>
  stop === 'maxTokens' ? 'length' : stop === 'toolUse' ? 'tool_calls' : stop === 'endTurn' || stop === 'stopSequence' || !stop ? 'stop' : stop;

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
    const tools = needsTools(request);
    if (tools && !this.info.capabilities.tool_calling)
      throw new LlmosError('LLMOS_EINVAL', `model ${this.info.id} does not support tool calling: its client did not declare sampling.tools; spawn without tools or on another model.`);
    const system = systemPrompt(request);
    const modelPreferences = preferences(this.defaults.modelPreferences, request);
    const params: CreateMessageRequest['params'] = {
      messages: toSamplingMessages(request.messages, this.info.id),
      maxTokens: request.max_tokens,
      ...(tools ? samplingTools(request) : {}),
      ...(system ? { systemPrompt: system } : {}),
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
    const content = fromSamplingContent(res.content, this.info.id);
    const text = content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    const rich = content.some((b) => b.type !== 'text');
    if (!text && !rich) throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id}: the client answered with no content; ask again or use another model.`, { retryable: false });
    if (text) onToken?.(text);
    return {
      text,
      ...(rich && { content }),
      usage: { prompt_tokens: estimateTokens(messagesText(request.messages)), completion_tokens: estimateTokens(contentText(content)) },
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
