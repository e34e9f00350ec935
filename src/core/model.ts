import type { Message, TaskType } from './task.js';

/** What a model can do and what it costs; the allocator and resource manager read it. */
export interface ModelInfo {
  /** Unique in the model table, e.g. "smollm2-135m" or "openai/gpt-4o-mini". */
  id: string;
  version: string;
  /** The plugin that provides it. */
  backend: string;
  capabilities: {
    context_window: number;
    max_output_tokens: number;
    task_types?: TaskType[];
    languages?: string[];
    domains?: string[];
    streaming: boolean;
    tool_calling: boolean;
  };
  /** US dollars per 1,000 tokens. */
  pricing: { input_per_1k: number; output_per_1k: number };
  expected_tokens_per_s: number;
  /** Calls that may run at once on this model. */
  concurrency: number;
  /** Set for a private model (a client's own, through sampling): only this owner's processes run on it. */
  owner?: string;
  /** Requests and tokens per minute; absent means unlimited. */
  limits?: { rpm?: number; tpm?: number };
}

export interface CompletionRequest {
  messages: Message[];
  max_tokens: number;
  temperature?: number;
  seed?: number;
  stop?: string[];
  /** The task's metadata (e.g. model_preferences for the sampling backend). */
  metadata?: Record<string, unknown>;
}

export interface Completion {
  text: string;
  usage: { prompt_tokens: number; completion_tokens: number };
  finish_reason: 'stop' | 'length' | string;
}

export interface CompleteOptions {
  /** Aborted on proc_kill, timeouts and deadlines. The backend must stop the upstream call. */
  signal: AbortSignal;
  /** Called with each streamed piece of text, when the backend streams. */
  onToken?: (text: string) => void;
}

export interface ModelHealth {
  ok: boolean;
  detail?: string;
  latency_ms?: number;
}

/**
 * A model backend: one model, callable. Errors thrown by complete() should be
 * LlmosErrors; LLMOS_EUPSTREAM with data.retryable=true (and data.retry_after_ms)
 * tells the kernel a retry may succeed.
 */
export interface ModelBackend {
  readonly info: ModelInfo;
  complete(request: CompletionRequest, options: CompleteOptions): Promise<Completion>;
  health(): Promise<ModelHealth>;
  /** Token count of a text in this model's tokenizer; estimated by the kernel when absent. */
  countTokens?(text: string): number | Promise<number>;
  close(): Promise<void>;
}

/** What a call costs in US dollars at the model's prices. */
export const costOf = (m: Pick<ModelInfo, 'pricing'>, promptTokens: number, completionTokens: number): number =>
  (promptTokens * m.pricing.input_per_1k + completionTokens * m.pricing.output_per_1k) / 1000;
