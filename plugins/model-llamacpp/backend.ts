// Types only: the library itself (~2 s of imports on a loaded machine) is imported by load(), in the background, so it never delays the server's start.
import type {
  ChatModelFunctions,
  LlamaChat,
  LlamaChatResponse,
  LlamaCompletionResponse,
  LlamaLogLevel,
  ChatHistoryItem,
  ChatWrapper,
  Llama,
  LlamaGrammar,
  LlamaContext,
  LlamaEmbeddingContext,
  LlamaModel,
  LlamaText,
  Token,
} from 'node-llama-cpp';
import { blocksOf, contentText, llamaBuildOptions, LlmosError, type Completion, type CompleteOptions, type CompletionRequest, type Embeddings, type Logger, type Message, type ModelBackend, type ModelHealth, type ModelInfo, type PromptParts, type ResponseFormat } from '../../src/plugin-api/index.js';
import { pickLane, reusableTokens, trimLane, type Lane } from './lanes.js';
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
  /** Keep each sequence's evaluated prompt for the next call of the same owner (false: every call evaluates its whole prompt). */
  prefixReuse: boolean;
  /** Operator-configured system prompts whose evaluated state any owner may reuse (they are public). */
  sharedPrefixes: string[];
}

/** A prompt as the model reads it: the chat template's rendering, tokenized, and the template's own stop texts. */
interface RenderedPrompt {
  tokens: Token[];
  stops: LlamaText[];
}

/** What either engine answers: LlamaCompletion (text, grammar) or LlamaChat (function calling). */
type GeneratedResponse = LlamaCompletionResponse | LlamaChatResponse<ChatModelFunctions>;

/** The sampling and streaming options both engines take. */
interface Sampling {
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  repeatPenalty: false | { penalty: number; presencePenalty?: number; frequencyPenalty?: number };
  signal: AbortSignal;
  onToken: (tokens: Token[]) => void;
  onTextChunk?: (text: string) => void;
}

/** The owner of calls that name none (direct backend use): they share one cache among themselves only. */
const NO_OWNER = '\u0000no-owner';

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
 * @node-llama-cpp/<platform> package is used) into one context with
 * `sequences` context sequences; each call takes one sequence (a lane), so at
 * most that many generate at once, batched into shared decodes by
 * node-llama-cpp. A lane keeps its evaluated tokens for the next call of the
 * same owner, who then evaluates only what differs (see lanes.ts). close()
 * frees the context, the model and the native backend.
 */
export class LlamaCppBackend implements ModelBackend {
  private llama?: Llama;
  private model?: LlamaModel;
  private context?: LlamaContext;
  private embedder?: Promise<LlamaEmbeddingContext>;
  private wrapper?: ChatWrapper;
  private lanes: Lane[] = [];
  private sharedPrefixTokens: Token[][] = [];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly waiting: Array<() => void> = [];
  private loading?: Promise<void>;
  private modelPath = '(not located yet)';
  private closed = false;
  /** Located at start, to be loaded by its first call (preload(false)). */
  private lazy = false;
  /** Milliseconds start() took to load the model and create the context. */
  loadMs?: number;
  /** node-llama-cpp's LlamaChat, once load() imported the library (tool_choice "auto" generates through it). */
  private chatClass?: typeof LlamaChat;
  /** Prompt tokens taken from a lane's cache instead of evaluated, since start (for benchmarks and tests). */
  reusedTokens = 0;

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
    // Read by libgomp once, when the OpenMP build loads below: its threads spin ~10^7 rounds
    // (tens of ms) after a decode before sleeping, so the next token does not wait for them to
    // wake, and an idle model costs no CPU. OMP_WAIT_POLICY=active spun for good: a core burned
    // while idle, for no more tokens/s (README, llama.cpp builds). An operator's values win.
    if (!process.env.OMP_WAIT_POLICY) process.env.GOMP_SPINCOUNT ??= '10000000';
    const { getLlama, LlamaChat, LlamaCompletion, LlamaLogLevel, resolveChatWrapper } = await import('node-llama-cpp');
    this.chatClass = LlamaChat;
    this.llama = await getLlama({
      gpu: false,
      build: 'never',
      cmakeOptions: llamaBuildOptions() ?? {}, // `llmos model build`'s build when an operator made one, else the prebuilt binary
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => this.log[LEVELS[level] ?? 'debug']({ llama: true }, message.trim()),
    });
    this.model = await this.llama.loadModel({ modelPath: this.modelPath, gpuLayers: 0 });
    this.context = await this.model.createContext({ contextSize: s.contextSize, sequences: s.sequences, threads: s.threads || undefined });
    this.wrapper = resolveChatWrapper(this.model, s.chatTemplate === 'model' ? { type: 'jinjaTemplate', warningLogs: false } : { warningLogs: false });
    for (let i = 0; i < s.sequences; i++) {
      const sequence = this.context.getSequence();
      this.lanes.push({ sequence, completion: new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: true }), busy: false, usedAt: 0 });
    }
    this.sharedPrefixTokens = s.sharedPrefixes.map((text) => this.render(toChatHistory([{ role: 'system', content: text }])).tokens);
    this.loadMs = Math.round(performance.now() - t0);
    this.log.info({ model: this.info.id, path: this.modelPath, load_ms: this.loadMs, wrapper: this.wrapper.wrapperName, sequences: this.lanes.length, threads: this.context.currentThreads, llama_build: this.llama.buildType }, 'model loaded');
    if (!process.env.UV_THREADPOOL_SIZE)
      this.log.warn(
        { model: this.info.id },
        "libuv's thread pool has its default 4 threads, so this model generates about half as fast: start the kernel with UV_THREADPOOL_SIZE=1 (`npm start` and the daemon do)",
      );
  }

  async complete(request: CompletionRequest, { signal, onToken, owner = NO_OWNER }: CompleteOptions): Promise<Completion> {
    const mode = toolModeOf(request);
    const history = this.historyOf(request, mode);
    await this.start();
    const format = mode.kind === 'forced' ? ({ type: 'json_schema', name: 'tool_call', schema: forcedCallSchema(mode.tools) } as const) : request.response_format;
    const grammar = format && (await this.grammarFor(format));
    const prompt = this.render(history, mode);
    signal.throwIfAborted();
    const lane = await this.borrow(signal, owner, prompt.tokens);
    try {
      await this.prepareLane(lane, owner, prompt.tokens);
      let completionTokens = 0;
      const options: Sampling = {
        maxTokens: request.max_tokens,
        temperature: request.temperature,
        seed: request.seed,
        // OpenAI semantics: no repetition penalty unless the request asks for one (llama.cpp's server agrees).
        repeatPenalty: request.presence_penalty || request.frequency_penalty ? { penalty: 1, presencePenalty: request.presence_penalty, frequencyPenalty: request.frequency_penalty } : false,
        signal,
        onToken: (tokens: Token[]) => void (completionTokens += tokens.length),
        // A forced tool call's JSON is the call, not text to stream.
        ...(mode.kind !== 'forced' && { onTextChunk: onToken }),
      };
      const res =
        mode.kind === 'auto'
          ? await this.generateWithFunctions(lane, history, mode.functions, { ...options, customStopTriggers: request.stop?.length ? request.stop : undefined })
          : await lane.completion.generateCompletionWithMeta(this.withoutAddedBos(prompt.tokens), { ...options, customStopTriggers: [...prompt.stops, ...(request.stop ?? [])], ...(grammar && { grammar }) });
      return this.answerOf(res, mode, { prompt_tokens: prompt.tokens.length, completion_tokens: completionTokens }, request.stop ?? []);
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

  /**
   * tool_choice "auto": node-llama-cpp's function calling, through a chat
   * bound to the lane's sequence for this one call (the lane keeps the
   * sequence, trimmed by prepareLane to what the owner may reuse).
   */
  private async generateWithFunctions(lane: Lane, history: ChatHistoryItem[], functions: ChatModelFunctions, options: Sampling & { customStopTriggers?: string[] }) {
    const chat = new this.chatClass!({ contextSequence: lane.sequence, chatWrapper: this.wrapper!, autoDisposeSequence: false });
    try {
      return await chat.generateResponse(history, { ...options, functions, documentFunctionParams: true, maxParallelFunctionCalls: MAX_PARALLEL_CALLS });
    } finally {
      chat.dispose({ disposeSequence: false });
    }
  }

  /** A generated response as a completion: text, or tool calls (finish_reason "tool_calls"); `stop_sequence` only for one the request asked for. */
  private answerOf(res: GeneratedResponse, mode: ToolMode, usage: Completion['usage'], requested: readonly string[]): Completion {
    const length = res.metadata.stopReason === 'maxTokens';
    const calls = mode.kind === 'forced' ? [forcedCallOf(this.info.id, res.response)] : mode.kind === 'auto' ? autoCallsOf(('functionCalls' in res ? (res.functionCalls ?? []) : []) as never) : [];
    const trigger = res.metadata.stopReason === 'customStopTrigger' ? res.metadata.customStopTrigger.filter((t) => typeof t === 'string').join('') : undefined;
    const stopSequence = trigger !== undefined && requested.includes(trigger) ? trigger : undefined;
    if (!calls.length) return { text: res.response, usage, finish_reason: length ? 'length' : 'stop', ...(stopSequence && { stop_sequence: stopSequence }) };
    const text = mode.kind === 'forced' ? '' : res.response;
    return { text, content: [...(text ? [{ type: 'text' as const, text }] : []), ...calls], usage, finish_reason: 'tool_calls' };
  }

  /** Leaves in the lane only the evaluated tokens `owner` may reuse for this prompt, and makes the lane theirs. */
  private async prepareLane(lane: Lane, owner: string, tokens: readonly Token[]): Promise<void> {
    const keep = this.settings.prefixReuse ? reusableTokens(lane, owner, tokens, this.sharedPrefixTokens) : 0;
    await trimLane(lane, keep);
    // LlamaCompletion evaluates at least the prompt's last token itself.
    this.reusedTokens += Math.min(keep, tokens.length - 1);
    lane.owner = owner;
  }

  /** The prompt tokens without the leading BOS, which LlamaCompletion adds itself for this vocabulary. */
  private withoutAddedBos(tokens: Token[]): Token[] {
    return this.model!.tokens.shouldPrependBosToken ? tokens.slice(1) : tokens;
  }

  /**
   * The prompt as the sequence will hold it: the chat wrapper's rendering
   * (the GGUF's own template with chat_template "model", including any
   * default system prompt it adds), tokenized with special tokens, led by
   * the BOS token when the vocabulary wants one; and the template's stop texts.
   */
  private render(history: ChatHistoryItem[], mode: ToolMode = { kind: 'text' }): RenderedPrompt {
    const functions = mode.kind === 'auto' ? { availableFunctions: mode.functions, documentFunctionParams: true } : {};
    const state = this.wrapper!.generateContextState({ chatHistory: history, ...functions });
    const tokens = state.contextText.tokenize(this.model!.tokenizer);
    const t = this.model!.tokens;
    if (t.shouldPrependBosToken && t.bos !== null && tokens[0] !== t.bos) tokens.unshift(t.bos);
    return { tokens, stops: state.stopGenerationTriggers };
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

  /** Exact: the tokens complete() reports as prompt_tokens for the same messages (see render). */
  async countTokens(prompt: PromptParts): Promise<number> {
    const mode = toolModeOf(prompt);
    const history = this.historyOf(prompt, mode);
    await this.start();
    if (this.closed) throw this.closedError();
    return this.render(history, mode).tokens.length;
  }

  private closedError(): LlmosError {
    return new LlmosError('LLMOS_EUNAVAILABLE', `model ${this.info.id} was closed; retry and another version or model will take the call.`, { retryable: true });
  }

  async health(): Promise<ModelHealth> {
    if (this.closed) return { ok: false, detail: 'closed' };
    if (!this.model && this.lazy && !this.loading) return { ok: true, detail: `${this.modelPath}; loads at its first call` };
    if (!this.model) return { ok: false, detail: `not loaded yet (${this.modelPath})` };
    const busy = this.lanes.filter((l) => l.busy).length;
    const build = this.llama?.buildType === 'localBuild' ? 'llama.cpp built for this CPU (OpenMP)' : "node-llama-cpp's prebuilt llama.cpp";
    return { ok: !this.model.disposed, detail: `${this.modelPath}; ${busy}/${this.lanes.length} sequences busy; ${build}` };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.loading?.catch(() => undefined);
    for (const l of this.lanes) l.completion.dispose();
    await (await this.embedder?.catch(() => undefined))?.dispose();
    this.lanes = [];
    await this.context?.dispose();
    await this.model?.dispose();
    await this.llama?.dispose();
  }

  /** A free lane for `owner` (see pickLane), waiting (abortably) when every sequence is busy. */
  private async borrow(signal: AbortSignal, owner: string, prompt: readonly Token[]): Promise<Lane> {
    for (;;) {
      if (this.closed) throw this.closedError();
      const lane = pickLane(this.lanes, owner, prompt);
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
    lane.usedAt = performance.now();
    this.waiting.shift()?.();
  }
}
