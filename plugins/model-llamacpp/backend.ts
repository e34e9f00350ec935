// Types only: the library itself (~2 s of imports on a loaded machine) is imported by load(), in the background, so it never delays the server's start.
import type {
  LlamaChat,
  LlamaLogLevel,
  ChatHistoryItem,
  ChatWrapper,
  Llama,
  LlamaGrammar,
  LlamaContext,
  LlamaEmbeddingContext,
  LlamaModel,
} from 'node-llama-cpp';
import { blocksOf, contentText, LlmosError, type Completion, type CompleteOptions, type CompletionRequest, type Embeddings, type Logger, type Message, type ModelBackend, type ModelHealth, type ModelInfo, type PromptParts, type ResponseFormat } from '../../src/plugin-api/index.js';
import { autoCallsOf, forcedCallOf, forcedCallPrompt, forcedCallSchema, toolModeOf, type ToolMode } from './tool-calls.js';

/** Tool calls one answer may hold under tool_choice "auto". */
const MAX_PARALLEL_CALLS = 8;

export interface LlamaCppSettings {
  /** Finds the GGUF when start() runs; throws an LlmosError naming the fix when there is none. */
  locate: () => string;
  /** Tokens per sequence; also the model's advertised context window. */
  contextSize: number;
  /** Sequences in the one context = calls that may run at once. */
  sequences: number;
  /** CPU threads for evaluation; 0 lets llama.cpp use every core. */
  threads: number;
  /** "model" renders prompts with the GGUF's own Jinja chat template; "auto" lets node-llama-cpp pick a wrapper. */
  chatTemplate: 'model' | 'auto';
}

/** One idle-or-busy chat bound to one context sequence. */
interface Lane {
  chat: LlamaChat;
  busy: boolean;
}

const LEVELS: Partial<Record<`${LlamaLogLevel}`, 'error' | 'warn' | 'info' | 'debug'>> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  info: 'debug',
  log: 'debug',
  debug: 'debug',
};

/** A message's text for a text-only model: text blocks, and tool calls and results written out; images are refused. */
function flatText(m: Message, model: string): string {
  if (blocksOf(m.content).some((b) => b.type === 'image' || (b.type === 'tool_result' && blocksOf(b.content).some((x) => x.type === 'image'))))
    throw new LlmosError('LLMOS_EINVAL', `model ${model} reads text only; send the task without image blocks, or to a model that takes images.`);
  return contentText(m.content);
}

/**
 * LLMOS messages to node-llama-cpp chat history, text only (a tool message
 * is a user turn); ends with an empty model turn to be generated.
 */
export function toChatHistory(messages: readonly Message[], model = 'llama.cpp'): ChatHistoryItem[] {
  const out: ChatHistoryItem[] = messages.map((m) => {
    const text = flatText(m, model);
    return m.role === 'system' ? { type: 'system', text } : m.role === 'assistant' ? { type: 'model', response: [text] } : { type: 'user', text };
  });
  out.push({ type: 'model', response: [] });
  return out;
}

/** Grammars built for response formats, by their JSON; building one compiles the schema, so a few are kept. */
const GRAMMARS_KEPT = 32;

/**
 * A GGUF model run in-process by node-llama-cpp, CPU only. start() loads it
 * once (never downloading or building binaries: the prebuilt
 * @node-llama-cpp/<platform> package is used); each call borrows one of
 * `sequences` chats, so at most that many generate at once. close() frees
 * the context, the model and the native backend.
 */
export class LlamaCppBackend implements ModelBackend {
  private llama?: Llama;
  private model?: LlamaModel;
  private context?: LlamaContext;
  private embedder?: Promise<LlamaEmbeddingContext>;
  private wrapper?: ChatWrapper;
  private lanes: Lane[] = [];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly waiting: Array<() => void> = [];
  private loading?: Promise<void>;
  private modelPath = '(not located yet)';
  private closed = false;
  /** Located at start, to be loaded by its first call (preload(false)). */
  private lazy = false;
  /** Milliseconds start() took to load the model and create the context. */
  loadMs?: number;

  constructor(
    readonly info: ModelInfo,
    private readonly settings: LlamaCppSettings,
    private readonly log: Logger,
  ) {}

  /** Loads the model and context; later calls return the same promise. */
  start(): Promise<void> {
    this.loading ??= this.load().catch((e: unknown) => {
      this.loading = undefined;
      throw e instanceof LlmosError ? e : new LlmosError('LLMOS_EPLUGIN', `model-llamacpp: cannot load ${this.modelPath}: ${(e as Error).message}. Check that the file is a GGUF llama.cpp can read.`);
    });
    return this.loading;
  }

  /**
   * Finds the GGUF now (LLMOS_EPLUGIN when it is missing) and, with `load`,
   * loads it in the background, so the server is ready before the model is;
   * calls wait for the load. Without `load` the first call loads it (memory
   * and CPU are spent only once the model is used). A failed load is logged,
   * and the next call tries again.
   */
  preload(load = true): void {
    this.modelPath = this.settings.locate();
    this.lazy = !load;
    if (!load) return;
    void this.start().catch((e: unknown) => this.log.error({ model: this.info.id, err: (e as Error).message }, 'model load failed; the next call tries again'));
  }

  private async load(): Promise<void> {
    const t0 = performance.now();
    const s = this.settings;
    this.modelPath = s.locate();
    const { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper } = await import('node-llama-cpp');
    this.llama = await getLlama({
      gpu: false,
      build: 'never',
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => this.log[LEVELS[level] ?? 'debug']({ llama: true }, message.trim()),
    });
    this.model = await this.llama.loadModel({ modelPath: this.modelPath, gpuLayers: 0 });
    this.context = await this.model.createContext({ contextSize: s.contextSize, sequences: s.sequences, threads: s.threads || undefined });
    this.wrapper = s.chatTemplate === 'model' ? resolveChatWrapper(this.model, { type: 'jinjaTemplate', warningLogs: false }) : undefined;
    for (let i = 0; i < s.sequences; i++)
      this.lanes.push({ chat: new LlamaChat({ contextSequence: this.context.getSequence(), chatWrapper: this.wrapper ?? 'auto', autoDisposeSequence: true }), busy: false });
    this.loadMs = Math.round(performance.now() - t0);
    this.log.info({ model: this.info.id, path: this.modelPath, load_ms: this.loadMs, wrapper: this.lanes[0]?.chat.chatWrapper.wrapperName }, 'model loaded');
  }

  async complete(request: CompletionRequest, { signal, onToken }: CompleteOptions): Promise<Completion> {
    const mode = toolModeOf(request);
    const history = this.historyOf(request, mode);
    await this.start();
    const format = mode.kind === 'forced' ? ({ type: 'json_schema', name: 'tool_call', schema: forcedCallSchema(mode.tools) } as const) : request.response_format;
    const grammar = format && (await this.grammarFor(format));
    signal.throwIfAborted();
    const lane = await this.borrow(signal);
    try {
      const promptTokens = this.templateTokens(lane.chat.chatWrapper, history, mode);
      let completionTokens = 0;
      const res = await lane.chat.generateResponse(history, {
        maxTokens: request.max_tokens,
        temperature: request.temperature,
        seed: request.seed,
        customStopTriggers: request.stop?.length ? request.stop : undefined,
        ...((request.presence_penalty || request.frequency_penalty) && { repeatPenalty: { presencePenalty: request.presence_penalty, frequencyPenalty: request.frequency_penalty } }),
        signal,
        ...(mode.kind === 'auto' ? { functions: mode.functions, documentFunctionParams: true, maxParallelFunctionCalls: MAX_PARALLEL_CALLS } : grammar ? { grammar } : {}),
        onToken: (tokens) => void (completionTokens += tokens.length),
        // A forced tool call's JSON is the call, not text to stream.
        ...(mode.kind !== 'forced' && { onTextChunk: onToken }),
      });
      return this.answerOf(res, mode, { prompt_tokens: promptTokens, completion_tokens: completionTokens });
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (e instanceof LlmosError) throw e;
      throw new LlmosError('LLMOS_EUPSTREAM', `model ${this.info.id} failed in llama.cpp: ${(e as Error).message}; lower max_tokens or the prompt size, or check the server log.`, { retryable: false });
    } finally {
      this.giveBack(lane);
    }
  }

  /** The chat history a request is generated from: a forced tool call is told which tools it may call and how. */
  private historyOf(request: PromptParts, mode: ToolMode): ChatHistoryItem[] {
    const history = toChatHistory(request.messages, this.info.id);
    return mode.kind === 'forced' ? [forcedCallPrompt(mode.tools), ...history] : history;
  }

  /** A generated response as a completion: text, or tool calls (finish_reason "tool_calls"). */
  private answerOf(res: Awaited<ReturnType<LlamaChat['generateResponse']>>, mode: ToolMode, usage: Completion['usage']): Completion {
    const length = res.metadata.stopReason === 'maxTokens';
    const calls = mode.kind === 'forced' ? [forcedCallOf(this.info.id, res.response)] : autoCallsOf(res.functionCalls as never);
    const trigger = res.metadata.stopReason === 'customStopTrigger' ? res.metadata.customStopTrigger.filter((t) => typeof t === 'string').join('') : undefined;
    if (!calls.length) return { text: res.response, usage, finish_reason: length ? 'length' : 'stop', ...(trigger && { stop_sequence: trigger }) };
    const text = mode.kind === 'forced' ? '' : res.response;
    return { text, content: [...(text ? [{ type: 'text' as const, text }] : []), ...calls], usage, finish_reason: 'tool_calls' };
  }

  /** node-llama-cpp's grammar for a response format: any JSON, or JSON matching the schema; LLMOS_EINVAL when it cannot express the schema. */
  private grammarFor(format: ResponseFormat): Promise<LlamaGrammar> {
    const key = format.type === 'json_schema' ? JSON.stringify(format.schema) : '';
    let g = this.grammars.get(key);
    if (!g) {
      const llama = this.llama!;
      g = (format.type === 'json_schema' ? llama.createGrammarForJsonSchema(format.schema as never) : llama.getGrammarFor('json')).catch((e: unknown) => {
        this.grammars.delete(key);
        throw new LlmosError('LLMOS_EINVAL', `model ${this.info.id} cannot constrain output to this JSON schema (${(e as Error).message}); simplify the schema or use {type:"json_object"}.`);
      });
      if (this.grammars.size >= GRAMMARS_KEPT) this.grammars.delete(this.grammars.keys().next().value!);
      this.grammars.set(key, g);
    }
    return g;
  }

  /** Vectors from an embedding context of the same model, made on first use; texts are embedded one after another. */
  async embed(texts: string[], { signal }: { signal: AbortSignal }): Promise<Embeddings> {
    await this.start();
    this.embedder ??= this.model!.createEmbeddingContext({ contextSize: this.settings.contextSize, threads: this.settings.threads || undefined });
    const ctx = await this.embedder;
    const embeddings: number[][] = [];
    let tokens = 0;
    for (const t of texts) {
      signal.throwIfAborted();
      tokens += this.model!.tokenize(t).length;
      embeddings.push([...(await ctx.getEmbeddingFor(t)).vector]);
    }
    return { embeddings, usage: { prompt_tokens: tokens } };
  }

  /**
   * Exact: the tokens complete() reports as prompt_tokens for the same
   * messages — the chat wrapper's rendering of them (the GGUF's own template
   * with chat_template "model", including any default system prompt it
   * adds), tokenized by the model's tokenizer with its special tokens.
   */
  async countTokens(prompt: PromptParts): Promise<number> {
    const mode = toolModeOf(prompt);
    const history = this.historyOf(prompt, mode);
    await this.start();
    const wrapper = this.lanes[0]?.chat.chatWrapper;
    if (!wrapper) throw this.closedError();
    return this.templateTokens(wrapper, history, mode);
  }

  private closedError(): LlmosError {
    return new LlmosError('LLMOS_EUNAVAILABLE', `model ${this.info.id} was closed; retry and another version or model will take the call.`, { retryable: true });
  }

  /** The prompt tokens of a chat history as `wrapper` renders it for this model. */
  private templateTokens(wrapper: ChatWrapper, history: ChatHistoryItem[], mode: ToolMode): number {
    const functions = mode.kind === 'auto' ? { availableFunctions: mode.functions, documentFunctionParams: true } : {};
    return wrapper.generateContextState({ chatHistory: history, ...functions }).contextText.tokenize(this.model!.tokenizer).length;
  }

  async health(): Promise<ModelHealth> {
    if (this.closed) return { ok: false, detail: 'closed' };
    if (!this.model && this.lazy && !this.loading) return { ok: true, detail: `${this.modelPath}; loads at its first call` };
    if (!this.model) return { ok: false, detail: `not loaded yet (${this.modelPath})` };
    const busy = this.lanes.filter((l) => l.busy).length;
    return { ok: !this.model.disposed, detail: `${this.modelPath}; ${busy}/${this.lanes.length} sequences busy` };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.loading?.catch(() => undefined);
    for (const l of this.lanes) l.chat.dispose();
    await (await this.embedder?.catch(() => undefined))?.dispose();
    this.lanes = [];
    await this.context?.dispose();
    await this.model?.dispose();
    await this.llama?.dispose();
  }

  /** A free lane, waiting (abortably) when every sequence is busy. */
  private async borrow(signal: AbortSignal): Promise<Lane> {
    for (;;) {
      if (this.closed) throw this.closedError();
      const lane = this.lanes.find((l) => !l.busy);
      if (lane) {
        lane.busy = true;
        return lane;
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          this.waiting.splice(this.waiting.indexOf(wake), 1);
          reject(signal.reason);
        };
        const wake = () => (signal.removeEventListener('abort', onAbort), resolve());
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(wake);
      });
    }
  }

  private giveBack(lane: Lane): void {
    lane.busy = false;
    this.waiting.shift()?.();
  }
}
