import { API_RANGE, type KindTemplate } from './common.js';

export const modelTemplate: KindTemplate = {
  provides: 'model',
  summary: 'A model backend: a local stand-in that answers by echoing the prompt, to replace with a call to your model.',
  implFile: 'backend',
  impl: (n) => `import { type CompleteOptions, type Completion, type CompletionRequest, type ModelBackend, type ModelHealth, type ModelInfo } from 'llmos/plugin-api';

export interface ${n.pascal}Options {
  model_id: string;
  /** Delay per streamed token, standing in for the model's speed. */
  token_delay_ms: number;
}

/** Waits \`ms\`, or rejects with the signal's reason as soon as it is aborted. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => (clearTimeout(timer), reject(signal.reason));
    const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Answers "You said: <last message>", one word a token. Replace the body of
 * complete() with the call to your model: pass options.signal to fetch() (an
 * aborted call must stop upstream and reject), stream pieces to onToken, stop
 * at max_tokens, and report the usage the upstream counted.
 */
export class ${n.pascal}Backend implements ModelBackend {
  readonly info: ModelInfo;

  constructor(private readonly opts: ${n.pascal}Options) {
    this.info = {
      id: opts.model_id,
      version: '0.1.0',
      backend: '${n.name}',
      capabilities: { context_window: 8192, max_output_tokens: 1024, streaming: true, tool_calling: false },
      pricing: { input_per_1k: 0, output_per_1k: 0 },
      expected_tokens_per_s: 1000 / Math.max(1, opts.token_delay_ms),
      concurrency: 4,
    };
  }

  async complete(req: CompletionRequest, { signal, onToken }: CompleteOptions): Promise<Completion> {
    signal.throwIfAborted();
    const prompt = req.messages.at(-1)?.content ?? '';
    const words = \`You said: \${prompt}\`.split(/\\s+/).filter(Boolean);
    const out = words.slice(0, req.max_tokens);
    for (const w of out) {
      await pause(this.opts.token_delay_ms, signal);
      onToken?.(w + ' ');
    }
    const prompt_tokens = Math.ceil(req.messages.reduce((n, m) => n + m.content.length, 0) / 4);
    return { text: out.join(' '), usage: { prompt_tokens, completion_tokens: out.length }, finish_reason: out.length < words.length ? 'length' : 'stop' };
  }

  async health(): Promise<ModelHealth> {
    return { ok: true, latency_ms: 0 };
  }

  async close(): Promise<void> {}
}
`,
  index: (n) => `import { definePlugin, z } from 'llmos/plugin-api';
import { ${n.pascal}Backend } from './backend.js';

export default definePlugin({
  name: '${n.name}',
  version: '0.1.0',
  apiVersion: '${API_RANGE}',
  description: 'A model backend (a local echo stand-in until it calls a real model).',
  provides: ['model'],
  options: z.object({
    model_id: z.string().min(1).default('${n.name}'),
    token_delay_ms: z.number().int().min(0).max(10_000).default(5),
  }),
  register(scope, opts) {
    scope.model(new ${n.pascal}Backend(opts));
  },
});
`,
  test: (n) => `import { modelBackendContract } from 'llmos/plugin-api/testing';
import { ${n.pascal}Backend } from './backend.js';

modelBackendContract('${n.name}', () => new ${n.pascal}Backend({ model_id: '${n.name}', token_delay_ms: 5 }), {
  // Long enough an answer to be aborted midway.
  slowPrompt: 'word '.repeat(200),
});
`,
};
