import OpenAI from 'openai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { createLogger } from '../../../src/kernel/log.js';
import modelCore from '../../../plugins/model-core/index.js';
import modelAnthropic from '../../../plugins/model-anthropic/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';

/**
 * model_register kind "anthropic" deploying a real Messages API endpoint at
 * runtime: llama.cpp's server (xllamacpp, started by
 * test/setup/global-llama.ts) serves /v1/messages itself.
 */
let kernel: Kernel;
let stop: () => Promise<void>;
const dataDir = mkdtempSync(join(tmpdir(), 'llmos-mc-anthropic-'));
const as = (owner: string) => (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, { owner, signal: new AbortController().signal, progress: () => undefined }) as Promise<any>;
const admin = as('ops');
/** The server's root: the Messages API lives under /v1 of it. */
const baseURL = inject('llamaBaseURL').replace(/\/v1$/, '');
let upstream: string;

beforeAll(async () => {
  upstream = (await new OpenAI({ baseURL: inject('llamaBaseURL'), apiKey: 'none' }).models.list()).data[0].id;
  ({ kernel, stop } = await boot({ inline: [fcfs, echoPlugin([]), modelAnthropic, modelCore], dataDir, logger: createLogger('error'), admins: ['ops'] }));
});
afterAll(async () => {
  await stop?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('model_register kind "anthropic" against llama.cpp server', () => {
  it('admits a live Messages endpoint, which then serves processes, and removes it', async () => {
    await expect(as('guest')('model_register', { kind: 'anthropic', id: 'msg-rt', baseURL, model: upstream })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    const rec = await admin('model_register', { kind: 'anthropic', id: 'msg-rt', baseURL, model: upstream, context_window: 4096, max_output_tokens: 64, concurrency: 1 });
    expect(rec).toMatchObject({ id: 'msg-rt', kind: 'anthropic', backend: 'model-anthropic', status: 'ready' });
    const p = await admin('proc_spawn', { prompt: 'Say hello', system: 'Answer in one short sentence.', model: 'msg-rt', max_tokens: 12, temperature: 0, wait: true });
    expect(p).toMatchObject({ exit: 'ok', model: 'msg-rt', owner: 'ops' });
    expect(p.result.text.trim().length).toBeGreaterThan(0);
    expect(p.usage.prompt_tokens).toBeGreaterThan(0);
    expect(p.usage.completion_tokens).toBeGreaterThan(0);
    expect(await admin('model_remove', { id: 'msg-rt' })).toMatchObject({ removed: true });
    expect(kernel.models.get('msg-rt')).toBeUndefined();
  }, 180_000); // a real generation on a shared 2-core machine

  it('refuses an endpoint that does not answer its probe, and registers nothing', async () => {
    await expect(admin('model_register', { kind: 'anthropic', id: 'dead', baseURL: 'http://127.0.0.1:9', model: 'x' })).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE' });
    expect(kernel.models.get('dead')).toBeUndefined();
  });
});
