import { availableParallelism } from 'node:os';
import { definePlugin, renamedOptions, TASK_TYPES, z } from '../../src/plugin-api/index.js';
import { LlamaCppBackend } from './backend.js';
import { resolveModelPath } from './model-path.js';

/** The plugin's options; LlamaCppOptions also accepts their older camelCase names (deprecated). */
const LlamaCppOptionsObject = z.object({
  id: z.string().min(1).default('smollm2-135m').describe('Model id in the model table.'),
  version: z.string().min(1).default('SmolLM2-135M-Instruct.Q4_1'),
  model_path: z.string().min(1).optional().describe('GGUF file; default: LLMOS_MODEL_PATH, then the cache filled by `llmos model pull`.'),
  context_size: z.number().int().min(256).max(131_072).default(4096),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(8)
    .default(() => defaultSequences())
    .describe('Context sequences = calls generating at once, batched into shared decodes; default: twice the cores, 2 to 4.'),
  threads: z.number().int().min(0).max(256).default(2).describe('CPU threads; 0 = every core.'),
  chat_template: z.enum(['model', 'auto']).default('model').describe('"model" uses the GGUF\'s own chat template.'),
  prefix_reuse: z.boolean().default(true).describe("Keep a sequence's evaluated prompt for the same owner's next call, which then evaluates only what differs."),
  shared_prefixes: z
    .array(z.string().min(1).max(65_536))
    .max(16)
    .default([])
    .describe('System prompts whose evaluated state any owner may reuse (they are public); other prompts are reused only by their owner.'),
  max_output_tokens: z.number().int().min(1).default(2048),
  preload: z.boolean().default(true).describe('Load the model at start, in the background (true), or at its first call (false: ~350 MB of memory and the load\'s CPU are spent only once the model is used).'),
  expected_tokens_per_s: z.number().positive().default(40).describe('A planning figure for schedulers; measure with test/bench.'),
  task_types: z.array(z.enum(TASK_TYPES)).optional(),
  languages: z.array(z.string()).default(['en']),
  domains: z.array(z.string()).default([]),
});
export const LlamaCppOptions = renamedOptions(LlamaCppOptionsObject, {
  modelPath: 'model_path',
  contextSize: 'context_size',
  chatTemplate: 'chat_template',
  maxOutputTokens: 'max_output_tokens',
  expectedTokensPerS: 'expected_tokens_per_s',
  taskTypes: 'task_types',
});
export type LlamaCppOptions = z.output<typeof LlamaCppOptionsObject>;

/**
 * Sequences that suit this machine: a single-token decode of a small model
 * leaves the cores underused, so batching several calls' tokens into one
 * decode raises the total rate up to about two sequences per core; more only
 * adds KV cache memory (context_size tokens per sequence).
 */
export function defaultSequences(cores = availableParallelism()): number {
  return Math.min(4, Math.max(2, 2 * cores));
}

/**
 * The embedded default model: a GGUF (SmolLM2-135M-Instruct unless
 * configured) run in-process on the CPU, free and offline. The model is
 * registered at once; start() finds the file (failing fast when it is
 * missing) and loads it in the background; calls wait for the load.
 */
export default definePlugin({
  name: 'model-llamacpp',
  version: '1.0.0',
  apiVersion: '^1.0.0',
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
          context_window: o.context_size,
          max_output_tokens: Math.min(o.max_output_tokens, o.context_size),
          task_types: o.task_types,
          languages: o.languages,
          domains: o.domains,
          streaming: true,
          tool_calling: true,
          embeddings: true,
        },
        pricing: { input_per_1k: 0, output_per_1k: 0 },
        expected_tokens_per_s: o.expected_tokens_per_s,
        concurrency: o.concurrency,
      },
      {
        locate: () => resolveModelPath(o.model_path, scope.dataDir),
        contextSize: o.context_size,
        sequences: o.concurrency,
        threads: o.threads,
        chatTemplate: o.chat_template,
        prefixReuse: o.prefix_reuse,
        sharedPrefixes: o.shared_prefixes,
      },
      scope.log,
    );
    scope.model(backend);
    return { start: () => backend.preload(o.preload), stop: () => backend.close() };
  },
});
