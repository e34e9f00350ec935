import { definePlugin, TASK_TYPES, z } from '../../src/plugin-api/index.js';
import { LlamaCppBackend } from './backend.js';
import { resolveModelPath } from './model-path.js';

export const LlamaCppOptions = z.object({
  id: z.string().min(1).default('smollm2-135m').describe('Model id in the model table.'),
  version: z.string().min(1).default('SmolLM2-135M-Instruct.Q4_1'),
  modelPath: z.string().min(1).optional().describe('GGUF file; default: LLMOS_MODEL_PATH, then the cache filled by `llmos model pull`.'),
  contextSize: z.number().int().min(256).max(131_072).default(4096),
  concurrency: z.number().int().min(1).max(8).default(1).describe('Context sequences = calls generating at once.'),
  threads: z.number().int().min(0).max(256).default(2).describe('CPU threads; 0 = every core.'),
  chatTemplate: z.enum(['model', 'auto']).default('model').describe('"model" uses the GGUF\'s own chat template.'),
  maxOutputTokens: z.number().int().min(1).default(2048),
  expectedTokensPerS: z.number().positive().default(40).describe('A planning figure for schedulers; measure with test/bench.'),
  taskTypes: z.array(z.enum(TASK_TYPES)).optional(),
  languages: z.array(z.string()).default(['en']),
  domains: z.array(z.string()).default([]),
});
export type LlamaCppOptions = z.output<typeof LlamaCppOptions>;

/**
 * The embedded default model: a GGUF (SmolLM2-135M-Instruct unless
 * configured) run in-process on the CPU, free and offline. The model is
 * registered at once and loaded in start(); calls before start wait for it.
 */
export default definePlugin({
  name: 'model-llamacpp',
  version: '1.0.0',
  description: 'A local GGUF model run in-process with node-llama-cpp (default SmolLM2-135M-Instruct).',
  provides: ['model'],
  options: LlamaCppOptions,
  register(scope, o) {
    const backend = new LlamaCppBackend(
      {
        id: o.id,
        version: o.version,
        backend: 'model-llamacpp',
        capabilities: {
          context_window: o.contextSize,
          max_output_tokens: Math.min(o.maxOutputTokens, o.contextSize),
          task_types: o.taskTypes,
          languages: o.languages,
          domains: o.domains,
          streaming: true,
          tool_calling: false,
        },
        pricing: { input_per_1k: 0, output_per_1k: 0 },
        expected_tokens_per_s: o.expectedTokensPerS,
        concurrency: o.concurrency,
      },
      { locate: () => resolveModelPath(o.modelPath, scope.dataDir), contextSize: o.contextSize, sequences: o.concurrency, threads: o.threads, chatTemplate: o.chatTemplate },
      scope.log,
    );
    scope.model(backend);
    scope.provide(BACKEND, backend);
  },
  async start(scope) {
    await scope.resolve<LlamaCppBackend>(BACKEND).start();
  },
  async stop(scope) {
    await scope.resolve<LlamaCppBackend>(BACKEND).close();
  },
});

/** This plugin's backend in the kernel's container, so start/stop find it without module state. */
const BACKEND = Symbol('model-llamacpp/backend');
