import { afterEach, describe, expect, it } from 'vitest';
import table from '../../../src/plugin-api/prices/model-prices.json' with { type: 'json' };
import { lookupPrice, priceFor, priceProviderOf, PRICE_TABLE_SOURCE } from '../../../src/plugin-api/index.js';
import { bootPlugins, type Booted } from './harness.js';

describe('the price table (LiteLLM, trimmed)', () => {
  it('states its source package, file and date, and holds only chat models of the providers init registers', () => {
    expect(PRICE_TABLE_SOURCE.package).toMatch(/^litellm \d+\.\d+\.\d+ \(PyPI\)$/);
    expect(PRICE_TABLE_SOURCE.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE_SOURCE.url).toMatch(/^https:\/\/github\.com\/BerriAI\/litellm\//);
    const keys = Object.keys(table.models);
    expect(keys.length).toBeGreaterThan(50);
    for (const k of keys) expect(k).toMatch(/^(openai|anthropic|ollama)\//);
  });

  it('maps endpoints to the provider whose list prices apply', () => {
    expect(priceProviderOf('https://api.openai.com/v1')).toBe('openai');
    expect(priceProviderOf('https://api.anthropic.com')).toBe('anthropic');
    expect(priceProviderOf('https://openrouter.ai/api/v1')).toBe('openrouter');
    expect(priceProviderOf('http://127.0.0.1:11434/v1')).toBe('ollama');
    expect(priceProviderOf('http://127.0.0.1:8000/v1')).toBeUndefined(); // vLLM, LM Studio, llama.cpp: no list price
    expect(priceProviderOf('not a url')).toBeUndefined();
  });

  it("looks up OpenAI's and Anthropic's models by the name their API knows, per 1k tokens", () => {
    const mini = table.models['openai/gpt-4o-mini'];
    expect(lookupPrice('gpt-4o-mini', 'openai')).toEqual(mini);
    expect(mini.output_per_1k).toBeGreaterThan(mini.input_per_1k);
    expect(lookupPrice('claude-haiku-4-5', 'anthropic')).toEqual(table.models['anthropic/claude-haiku-4-5']);
    expect(lookupPrice('no-such-model', 'openai')).toBeUndefined();
    expect(lookupPrice('gpt-4o-mini', undefined)).toBeUndefined();
  });

  it("prices OpenRouter's vendor/name ids at the vendor's list price (dots, :variants)", () => {
    expect(lookupPrice('openai/gpt-4o-mini', 'openrouter')).toEqual(table.models['openai/gpt-4o-mini']);
    expect(lookupPrice('anthropic/claude-sonnet-4.5', 'openrouter')).toEqual(table.models['anthropic/claude-sonnet-4-5']);
    expect(lookupPrice('openai/gpt-4o-mini:floor', 'openrouter')).toEqual(table.models['openai/gpt-4o-mini']);
    expect(lookupPrice('meta-llama/llama-3.1-8b-instruct', 'openrouter')).toBeUndefined();
  });

  it('prices Ollama models at 0, listed or not', () => {
    expect(lookupPrice('llama3.1:latest', 'ollama')).toMatchObject({ input_per_1k: 0, output_per_1k: 0, context_window: 8192 });
    expect(lookupPrice('smollm2:135m', 'ollama')).toEqual({ input_per_1k: 0, output_per_1k: 0 });
  });

  it('lets a price the config states win over the table', () => {
    expect(priceFor('gpt-4o-mini', 'https://api.openai.com/v1', { input_per_1k: 1, output_per_1k: 2 })).toEqual({ input_per_1k: 1, output_per_1k: 2 });
    expect(priceFor('gpt-4o-mini', 'http://127.0.0.1:8080/v1')).toEqual({ input_per_1k: 0, output_per_1k: 0 });
  });
});

describe('model-openai entries without pricing', () => {
  let os: Booted | undefined;
  afterEach(async () => {
    await os?.stop();
    os = undefined;
    delete process.env.LLMOS_TEST_PRICE_KEY;
  });

  it('get the table price of their endpoint in the model table (what the allocators route on), each model at its own base_url', async () => {
    process.env.LLMOS_TEST_PRICE_KEY = 'sk-test-not-sent';
    os = await bootPlugins({
      'model-openai': {
        base_url: 'https://api.openai.com/v1',
        api_key_env: 'LLMOS_TEST_PRICE_KEY',
        probe_on_start: false,
        models: [
          { id: 'openai/gpt-4o-mini', model: 'gpt-4o-mini' },
          { id: 'or/haiku', model: 'anthropic/claude-haiku-4.5', base_url: 'https://openrouter.ai/api/v1' },
          { id: 'stated', model: 'gpt-4o-mini', pricing: { input_per_1k: 9, output_per_1k: 9 } },
          { id: 'local', base_url: 'http://127.0.0.1:8080/v1' },
        ],
      },
    });
    const price = (id: string) => os!.kernel.models.get(id)!.backend.info.pricing;
    const mini = table.models['openai/gpt-4o-mini'];
    expect(price('openai/gpt-4o-mini')).toEqual({ input_per_1k: mini.input_per_1k, output_per_1k: mini.output_per_1k });
    expect(price('or/haiku').input_per_1k).toBe(table.models['anthropic/claude-haiku-4-5'].input_per_1k);
    expect(price('stated')).toEqual({ input_per_1k: 9, output_per_1k: 9 });
    expect(price('local')).toEqual({ input_per_1k: 0, output_per_1k: 0 });
  });
});
