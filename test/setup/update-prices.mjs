#!/usr/bin/env node
/**
 * Regenerates src/plugin-api/prices/model-prices.json from LiteLLM's maintained
 * price table (model_prices_and_context_window_backup.json inside the PyPI
 * package `litellm`), trimmed to the chat models of the providers `llmos init`
 * registers: openai, anthropic (OpenRouter resells both at their list prices,
 * so OpenRouter ids are looked up under them) and ollama (local, free).
 *
 *   npm run prices:update                 # the newest litellm on PyPI
 *   npm run prices:update -- 1.110.2      # a pinned version
 *
 * Needs pip (downloads one wheel, no dependencies, into .cache/litellm/).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'src/plugin-api/prices/model-prices.json');
const INNER = 'litellm/model_prices_and_context_window_backup.json';
const PROVIDERS = new Set(['openai', 'anthropic', 'ollama']);

const version = process.argv[2];
const dir = join(ROOT, '.cache/litellm');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
execFileSync('pip', ['download', version ? `litellm==${version}` : 'litellm', '--no-deps', '--only-binary', ':all:', '-q', '-d', dir], { stdio: 'inherit' });
const wheel = readdirSync(dir).find((f) => f.endsWith('.whl'));
if (!wheel) throw new Error(`pip left no litellm wheel in ${dir}`);
const got = wheel.split('-')[1];
const table = JSON.parse(execFileSync('unzip', ['-p', join(dir, wheel), INNER], { maxBuffer: 64 << 20 }).toString('utf8'));

/** USD per token → USD per 1k tokens, rounded so float noise does not show in the file. */
const per1k = (usdPerToken) => Math.round(usdPerToken * 1000 * 1e9) / 1e9;

const models = {};
for (const [name, e] of Object.entries(table)) {
  if (!e || typeof e !== 'object' || e.mode !== 'chat' || !PROVIDERS.has(e.litellm_provider)) continue;
  if (typeof e.input_cost_per_token !== 'number' || typeof e.output_cost_per_token !== 'number') continue;
  const key = e.litellm_provider === 'ollama' ? name : `${e.litellm_provider}/${name}`;
  models[key] = {
    input_per_1k: per1k(e.input_cost_per_token),
    output_per_1k: per1k(e.output_cost_per_token),
    ...(Number.isInteger(e.max_input_tokens) && { context_window: e.max_input_tokens }),
    ...(Number.isInteger(e.max_output_tokens) && { max_output_tokens: e.max_output_tokens }),
    ...(e.supports_function_calling === true && { tool_calling: true }),
    ...(typeof e.deprecation_date === 'string' && { deprecation_date: e.deprecation_date }),
  };
}
const sorted = Object.fromEntries(Object.entries(models).sort(([a], [b]) => a.localeCompare(b)));
const out = {
  _source: {
    package: `litellm ${got} (PyPI)`,
    file: INNER,
    url: 'https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json',
    retrieved: new Date().toISOString().slice(0, 10),
    kept: 'mode "chat" of providers openai, anthropic, ollama; prices in USD per 1k tokens',
    regenerate: 'npm run prices:update',
  },
  models: sorted,
};
writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
process.stderr.write(`wrote ${Object.keys(models).length} models from litellm ${got} to ${OUT}\n`);
