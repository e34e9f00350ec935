import type { ContentBlock, Message, ResponseFormat, ToolChoice, ToolDefinition } from './message.js';
import type { Task, TaskType } from './task.js';

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
    /** It takes `tools` and answers with tool_use blocks; tasks with tools are placed only on such models. */
    tool_calling: boolean;
    /** It returns log probabilities of answer tokens (CompletionRequest.logprobs); absent means no. */
    logprobs?: boolean;
    /** It implements ModelBackend.embed; absent means no. */
    embeddings?: boolean;
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

/**
 * One call, in the core message model (see message.ts). A backend
 * translates it to its own format and refuses, with LLMOS_EINVAL naming what
 * to change, what it cannot honour (tools on a model without tool_calling,
 * images on a text-only model); it never drops such a field silently.
 */
export interface CompletionRequest {
  messages: Message[];
  max_tokens: number;
  temperature?: number;
  seed?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  /** Return log probabilities (with top_logprobs alternatives); set only for a model with capabilities.logprobs. */
  logprobs?: boolean;
  top_logprobs?: number;
  /** Tools the model may call; set only when the task has tools. */
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: ResponseFormat;
  /** The task's metadata (e.g. model_preferences for the sampling backend). */
  metadata?: Record<string, unknown>;
}

/** What a prompt is made of: a request without its sampling settings. */
export type PromptParts = Pick<CompletionRequest, 'messages' | 'tools' | 'tool_choice' | 'response_format'>;

export interface Completion {
  /** The answer's text (its text blocks joined). */
  text: string;
  /** The whole answer as blocks, when it has more than text (tool_use); absent means [{type:'text', text}]. */
  content?: ContentBlock[];
  usage: { prompt_tokens: number; completion_tokens: number };
  /** 'tool_calls' when the answer holds tool_use blocks the caller should run. */
  finish_reason: 'stop' | 'length' | 'tool_calls' | string;
  /** With finish_reason "stop": the request's stop sequence that ended the answer, when the backend knows it (absent: end of turn, or unknown). */
  stop_sequence?: string;
  /** Log probabilities of the answer's tokens, when the request asked for them. */
  logprobs?: TokenLogprobs;
  /** One vector per text of an embed call. */
  embeddings?: number[][];
}

/** One token's log probability, as OpenAI reports it. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
}
export interface TokenLogprobs {
  content: Array<TokenLogprob & { top_logprobs: TokenLogprob[] }> | null;
}

/** The vectors of an embed call and the tokens it read. */
export interface Embeddings {
  embeddings: number[][];
  usage: { prompt_tokens: number };
}

/**
 * The request a task makes of a model, with max_tokens already capped for
 * that model. Optional fields are set only when the task has them, one by
 * one: conditional spreads made V8 build the object in a slow mode, which
 * every backend then reads.
 */
export function completionRequest(task: Task, messages: Message[], maxTokens: number): CompletionRequest {
  const r: CompletionRequest = { messages, max_tokens: maxTokens, temperature: task.temperature, seed: task.seed, metadata: task.metadata };
  if (task.stop?.length) r.stop = task.stop;
  if (task.presence_penalty !== undefined) r.presence_penalty = task.presence_penalty;
  if (task.frequency_penalty !== undefined) r.frequency_penalty = task.frequency_penalty;
  if (task.logprobs) {
    r.logprobs = true;
    if (task.top_logprobs !== undefined) r.top_logprobs = task.top_logprobs;
  }
  if (task.tools?.length) {
    r.tools = task.tools;
    if (task.tool_choice) r.tool_choice = task.tool_choice;
  }
  if (task.response_format) r.response_format = task.response_format;
  return r;
}

export interface CompleteOptions {
  /** Aborted on proc_kill, timeouts and deadlines. The backend must stop the upstream call. */
  signal: AbortSignal;
  /** Called with each streamed piece of text, when the backend streams. */
  onToken?: (text: string) => void;
  /**
   * The calling process's owner. A backend that keeps evaluated prompt state
   * between calls (a prompt cache) lets only the same owner reuse it, so no
   * owner can time another's prompts.
   */
  owner?: string;
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
  /**
   * Embeds texts, one vector each, in order; present exactly when
   * info.capabilities.embeddings is set. The kernel calls it for a task with
   * `embed`, admitted and charged like a completion (usage.prompt_tokens).
   */
  embed?(texts: string[], options: { signal: AbortSignal }): Promise<Embeddings>;
  /**
   * Tokens the model reads for this prompt: its messages rendered by the
   * model's chat template (with the tools and response format as the
   * backend sends them), counted as usage.prompt_tokens will report them.
   * Admission reserves budget from it, so it must not undercount: a backend
   * that cannot count exactly returns an upper estimate and documents its
   * error bound. When absent the kernel estimates (estimatePromptTokens),
   * which does not cover a template's hidden default system prompt.
   */
  countTokens?(prompt: PromptParts): number | Promise<number>;
  close(): Promise<void>;
}

/** What a call costs in US dollars at the model's prices. */
export const costOf = (m: Pick<ModelInfo, 'pricing'>, promptTokens: number, completionTokens: number): number =>
  (promptTokens * m.pricing.input_per_1k + completionTokens * m.pricing.output_per_1k) / 1000;
