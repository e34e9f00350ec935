import { lookupPrice, type PriceProvider } from '../../plugin-api/price-table.js';

/** One model init registers: the LLMOS id, the name the endpoint knows, and the limits from the price table. */
export interface InitModel {
  id: string;
  model: string;
  context_window?: number;
  max_output_tokens?: number;
  tool_calling?: boolean;
}

/** A cloud provider init recognises by its key variable. */
export interface CloudProvider {
  name: 'openai' | 'anthropic' | 'openrouter';
  key_env: string;
  base_url: string;
  /** Names the endpoint knows; each must be in the price table (a unit test holds this). */
  models: string[];
}

/**
 * The providers and the models registered for each: a cheap and a strong
 * chat model, both non-reasoning on OpenAI (model-openai sends max_tokens,
 * which OpenAI's reasoning models refuse). Anthropic goes through
 * model-anthropic, its native Messages API; OpenRouter's ids are vendor/name.
 */
export const CLOUD_PROVIDERS: readonly CloudProvider[] = [
  { name: 'openai', key_env: 'OPENAI_API_KEY', base_url: 'https://api.openai.com/v1', models: ['gpt-4.1-mini', 'gpt-4.1'] },
  { name: 'anthropic', key_env: 'ANTHROPIC_API_KEY', base_url: 'https://api.anthropic.com', models: ['claude-haiku-4-5', 'claude-sonnet-4-6'] },
  { name: 'openrouter', key_env: 'OPENROUTER_API_KEY', base_url: 'https://openrouter.ai/api/v1', models: ['openai/gpt-4.1-mini', 'anthropic/claude-haiku-4.5'] },
];

/** Ollama's default context (num_ctx) when the request does not raise it. */
const OLLAMA_CONTEXT = 4096;

/** A model entry whose limits come from the price table where it lists the model (prices are looked up at boot, so they are not written). */
export function initModel(provider: PriceProvider, model: string, idPrefix: string): InitModel {
  const row = lookupPrice(model, provider);
  const local = provider === 'ollama';
  return {
    id: `${idPrefix}/${model}`,
    model,
    context_window: local ? Math.min(row?.context_window ?? OLLAMA_CONTEXT, OLLAMA_CONTEXT) : row?.context_window,
    max_output_tokens: local ? undefined : row?.max_output_tokens,
    tool_calling: row?.tool_calling,
  };
}
