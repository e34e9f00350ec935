import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { readPluginConfig } from '../../../src/loader/config.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import { quietLogger, tempDir } from '../../helpers/kernel.js';

const PRESETS = join(packageRoot, 'plugins', 'alloc-rules', 'presets');
const noProgress = { owner: 'tester', signal: new AbortController().signal, progress: () => undefined };

/**
 * Boots a preset through the real loader with its own plugins and rules;
 * only model-openai's endpoint is pointed at the test's llama.cpp server, and
 * every example model entry at the model that server serves.
 */
async function bootPreset(name: string): Promise<{ kernel: Kernel; stop: () => Promise<void> }> {
  const config = readPluginConfig(join(PRESETS, `${name}.plugins.json`));
  const baseURL = inject('llamaBaseURL');
  const upstream = (await new OpenAI({ baseURL, apiKey: 'none' }).models.list()).data[0].id;
  const openai = config.plugins.find((p) => p.name === 'model-openai')!;
  const options = openai.options as { models: Array<Record<string, unknown>> };
  openai.options = { ...options, base_url: baseURL, models: options.models.map((m) => ({ ...m, model: upstream })) };
  return boot({ config, dataDir: tempDir(), logger: quietLogger(), admins: ['*'] });
}

/** Spawns the prompt through proc_spawn with model "auto", waits, and returns the model it ran on and alloc_explain's answer. */
async function route(kernel: Kernel, prompt: string) {
  const spawned = (await kernel.syscalls.dispatch('proc_spawn', { prompt, max_tokens: 2, temperature: 0 }, noProgress)) as { pid: number };
  const p = await kernel.procs.wait(spawned.pid, 120_000);
  expect(p.exit, JSON.stringify(p.error)).toBe('ok');
  const why = (await kernel.syscalls.dispatch('alloc_explain', { pid: p.pid }, noProgress)) as { model: string; reason: string; decided_by?: Record<string, { value: string }> };
  return { ran_on: p.model, why };
}

const CASES: Record<string, Array<[prompt: string, model: string, decided?: Record<string, string>]>> = {
  'customer-service': [
    ['Hi there! How are you doing today?', 'chat-small', { intent: 'chit-chat' }],
    ['Do you like music?', 'chat-small'],
    ['My laptop will not turn on after the latest update, what should I do?', 'support-specialist', { intent: 'professional' }],
    ['I was charged twice on my invoice; what does the contract say about refunds and tax?', 'billing-legal-specialist'],
  ],
  translation: [
    ['Translate into French: I would like to book a table for two tonight.', 'mt-en-fr', { pair: 'en->fr' }],
    ['Translate into English: Je voudrais réserver une table pour deux personnes ce soir.', 'mt-fr-en', { pair: 'fr->en' }],
    ['Translate into French: the patient shows symptoms of infection and needs a new drug dose.', 'mt-en-fr-medical'],
    ['Übersetze ins Deutsche: Where is the train station, please?', 'mt-any-de'],
    ['Translate into Japanese: good morning, how are you?', 'mt-general'],
  ],
  code: [
    ['Write a Python function that reverses a linked list.', 'coder-python', { code_language: 'python' }],
    ['Why does this fail?\n```\ndef mean(xs):\n    return sum(xs) / len(xs)\n\nprint(mean([]))\n```', 'coder-python'],
    ['Fix this:\n```\nfunction total(items) {\n  let sum = 0;\n  items.forEach((item) => { sum += item.price; });\n  return sum.toFixed(2);\n}\nconsole.log(total([{ price: 1.5 }]));\n```', 'coder-web', { code_language: 'javascript' }],
    ['Implement a thread-safe queue in Rust.', 'coder-systems', { code_language: 'rust' }],
    ['Write a program that prints the first ten primes.', 'coder-general'],
  ],
};

describe.each(Object.keys(CASES))('preset %s routes representative tasks through the real kernel', (name) => {
  let os: { kernel: Kernel; stop: () => Promise<void> };
  beforeAll(async () => {
    os = await bootPreset(name);
  }, 120_000);
  afterAll(async () => os?.stop());

  it.each(CASES[name])('%s → %s', async (prompt, model, decided) => {
    const { ran_on, why } = await route(os.kernel, prompt);
    expect(why.model, why.reason).toBe(model);
    expect(ran_on).toBe(model);
    for (const [field, value] of Object.entries(decided ?? {})) expect(why.decided_by?.[field]?.value, why.reason).toBe(value);
  }, 120_000);
});
