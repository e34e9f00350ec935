import table from './prices/model-prices.json' with { type: 'json' };

/** One model's row of the price table: USD per 1k tokens, and the limits the table states. */
export interface PriceRow {
  input_per_1k: number;
  output_per_1k: number;
  context_window?: number;
  max_output_tokens?: number;
  tool_calling?: boolean;
  /** When the provider retires the model (YYYY-MM-DD), where the table knows. */
  deprecation_date?: string;
}

/** Where the table comes from (package, file, date retrieved); regenerate with `npm run prices:update`. */
export const PRICE_TABLE_SOURCE: Readonly<Record<string, string>> = table._source;

const ROWS: Readonly<Record<string, PriceRow>> = table.models;

/** Providers the table knows. OpenRouter resells OpenAI's and Anthropic's models at their list prices. */
export type PriceProvider = 'openai' | 'anthropic' | 'openrouter' | 'ollama';

const HOSTS: Record<string, PriceProvider> = { 'api.openai.com': 'openai', 'api.anthropic.com': 'anthropic', 'openrouter.ai': 'openrouter' };

/** Ollama's port; any other endpoint (vLLM, LM Studio, llama.cpp server, a proxy) has no list price. */
const OLLAMA_PORT = '11434';

/** The provider whose list prices apply to an endpoint, or undefined when none do. */
export function priceProviderOf(baseUrl: string | undefined): PriceProvider | undefined {
  if (!baseUrl) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  return HOSTS[url.hostname] ?? (url.port === OLLAMA_PORT ? 'ollama' : undefined);
}

/** Keys to try for an OpenRouter id "vendor/name[:variant]": Anthropic's ids there write versions with dots (claude-sonnet-4.5). */
function openRouterKeys(model: string): string[] {
  const [vendor, name] = model.replace(/:[^/]*$/, '').split('/', 2);
  if (!name || (vendor !== 'openai' && vendor !== 'anthropic')) return [];
  return [`${vendor}/${name}`, `${vendor}/${name.replace(/\./g, '-')}`];
}

/** Keys to try for Ollama's "name[:tag]": the table lists "ollama/name", some with their size tag. */
const ollamaKeys = (model: string): string[] => [`ollama/${model}`, `ollama/${model.replace(/:latest$/, '')}`, `ollama/${model.split(':')[0]}`];

/**
 * The table's row for the model an endpoint knows as `model`, or undefined.
 * Ollama models missing from the table still cost nothing.
 */
export function lookupPrice(model: string, provider: PriceProvider | undefined): PriceRow | undefined {
  if (!provider) return undefined;
  const keys = provider === 'openrouter' ? openRouterKeys(model) : provider === 'ollama' ? ollamaKeys(model) : [`${provider}/${model}`];
  for (const k of keys) if (ROWS[k]) return ROWS[k];
  return provider === 'ollama' ? { input_per_1k: 0, output_per_1k: 0 } : undefined;
}

/** The prices a remote model is charged at: the config's own, else the table's for its endpoint, else nothing. */
export function priceFor(model: string, baseUrl: string | undefined, stated?: { input_per_1k: number; output_per_1k: number }): { input_per_1k: number; output_per_1k: number } {
  if (stated) return stated;
  const row = lookupPrice(model, priceProviderOf(baseUrl));
  return row ? { input_per_1k: row.input_per_1k, output_per_1k: row.output_per_1k } : { input_per_1k: 0, output_per_1k: 0 };
}
