import { z } from 'zod';
import type { ModelInfo } from '../core/model.js';
import { TASK_TYPES } from '../core/task.js';
import { priceFor } from './price-table.js';

/** One model behind an HTTP endpoint (OpenAI-compatible, Anthropic Messages): in a backend plugin's options.models, and (with kind, baseURL, api_key_env) in a model_register config. */
export const RemoteModelOptions = z.object({
  id: z.string().min(1).describe('Model id in the LLMOS model table, e.g. "openai/gpt-4o-mini".'),
  model: z.string().min(1).optional().describe('Name the endpoint knows the model by; defaults to id.'),
  version: z.string().min(1).default('1'),
  context_window: z.number().int().positive().default(8192),
  max_output_tokens: z.number().int().positive().default(2048),
  task_types: z.array(z.enum(TASK_TYPES)).optional(),
  languages: z.array(z.string()).optional(),
  domains: z.array(z.string()).optional(),
  tool_calling: z.boolean().default(false),
  logprobs: z.boolean().default(false).describe('The endpoint returns logprobs for this model; tasks with logprobs are placed only on such models.'),
  embeddings: z.boolean().default(false).describe('The endpoint embeds with this model (POST /embeddings); embed tasks are placed only on such models.'),
  pricing: z
    .object({ input_per_1k: z.number().min(0), output_per_1k: z.number().min(0) })
    .optional()
    .describe('USD per 1k tokens. Unset: the price table\'s list price for the endpoint (OpenAI, Anthropic, OpenRouter; Ollama and unknown endpoints cost 0).'),
  expected_tokens_per_s: z.number().positive().default(50),
  concurrency: z.number().int().min(1).default(4),
  limits: z.object({ rpm: z.number().int().positive().optional(), tpm: z.number().int().positive().optional() }).optional(),
});
export type RemoteModelOptions = z.output<typeof RemoteModelOptions>;

/** The model-table entry of one configured model of plugin `backend`, served at `baseUrl` (which picks the price table's provider); it always streams. */
export const remoteModelInfo = (m: RemoteModelOptions, backend: string, baseUrl?: string): ModelInfo => ({
  id: m.id,
  version: m.version,
  backend,
  capabilities: {
    context_window: m.context_window,
    max_output_tokens: m.max_output_tokens,
    task_types: m.task_types,
    languages: m.languages,
    domains: m.domains,
    streaming: true,
    tool_calling: m.tool_calling,
    logprobs: m.logprobs,
    embeddings: m.embeddings,
  },
  pricing: priceFor(m.model ?? m.id, baseUrl, m.pricing),
  expected_tokens_per_s: m.expected_tokens_per_s,
  concurrency: m.concurrency,
  limits: m.limits,
});
