import OpenAI from 'openai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { createLogger } from '../../../src/kernel/log.js';
import modelCore from '../../../plugins/model-core/index.js';
import modelOpenai from '../../../plugins/model-openai/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';

/**
 * model_register deploying a real OpenAI-compatible endpoint at runtime:
 * llama.cpp's server (xllamacpp) serving SmolLM2, started by
 * test/setup/global-llama.ts. model-openai provides kind "openai".
 */
let kernel: Kernel;
let stop: () => Promise<void>;
const dataDir = mkdtempSync(join(tmpdir(), 'llmos-mc-openai-'));
const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, { owner: 'it', signal: new AbortController().signal, progress: () => undefined }) as Promise<any>;
const baseURL = inject('llamaBaseURL');
/** The name the server knows the GGUF by (its file name). */
let upstream: string;

beforeAll(async () => {
  upstream = (await new OpenAI({ baseURL, apiKey: 'none' }).models.list()).data[0].id;
  // echoPlugin([]) only contributes the "first" allocator; it registers no model.
  ({ kernel, stop } = await boot({ inline: [fcfs, echoPlugin([]), modelOpenai, modelCore], dataDir, logger: createLogger('error'), admins: ['*'] })); // model_register is for admins
});
afterAll(async () => {
  await stop?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('model_register kind "openai" against llama.cpp server', () => {
  it('refuses an endpoint that does not answer its health probe', async () => {
    await expect(call('model_register', { kind: 'openai', id: 'dead', baseURL: 'http://127.0.0.1:9/v1', model: 'x' })).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE' });
    expect(kernel.models.get('dead')).toBeUndefined();
  });

  it('admits a live endpoint, which then serves real completions, evals, updates and removal', async () => {
    const rec = await call('model_register', { kind: 'openai', id: 'llama-rt', baseURL, model: upstream, version: '1', context_window: 4096, concurrency: 1 });
    expect(rec).toMatchObject({ id: 'llama-rt', kind: 'openai', backend: 'model-openai', status: 'ready' });
    expect((await call('model_health', { id: 'llama-rt' })).models[0]).toMatchObject({ ok: true, detail: `serves ${upstream}` });

    const p = await call('proc_spawn', { prompt: "Translate 'good morning' into French", model: 'llama-rt', max_tokens: 16, temperature: 0, seed: 1, wait: true });
    expect(p).toMatchObject({ exit: 'ok', model: 'llama-rt' });
    expect(p.result.text.trim().length).toBeGreaterThan(0);
    expect(p.usage.completion_tokens).toBeGreaterThan(0);
    expect(p.usage.prompt_tokens).toBeGreaterThan(0);

    const suite = ['{"prompt":"What is 2 + 2? Answer with one number.","expected":4,"scorer":"numeric-tolerance","type":"math","max_tokens":8}', '{"prompt":"Say hello.","expected":"[A-Za-z]","scorer":"regex","type":"chat","max_tokens":8}'].join('\n');
    const report = await call('model_eval', { model: 'llama-rt', suite, concurrency: 2 });
    expect(report).toMatchObject({ n: 2, errors: 0 });
    expect(report.tokens_per_s).toBeGreaterThan(0);
    expect(report.latency_p50_ms).toBeGreaterThan(0);
    expect((await call('model_compare', { models: ['llama-rt'] })).rows.map((r: { task_type: string; n_latency: number }) => [r.task_type, r.n_latency])).toEqual([['chat', 1], ['math', 1]]);

    expect(await call('model_update', { id: 'llama-rt', version: '2' })).toMatchObject({ version: '2', previous_version: '1' });
    const q = await call('proc_spawn', { prompt: 'Hi', model: 'llama-rt', max_tokens: 4, temperature: 0, wait: true });
    expect(q.attempts.map((a: { version: string }) => a.version)).toEqual(['2']);

    expect(await call('model_remove', { id: 'llama-rt' })).toMatchObject({ removed: true });
    expect(kernel.models.get('llama-rt')).toBeUndefined();
  }, 180_000); // real generations and an eval on a shared 2-core machine
});
