import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import { createLogger } from '../../../src/kernel/log.js';
import allocBandit from '../../../plugins/alloc-bandit/index.js';
import allocPerf from '../../../plugins/alloc-perf/index.js';
import modelCore from '../../../plugins/model-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { echoFactoryPlugin, removeDir } from './harness.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('the performance table feeds allocation', () => {
  it('alloc-perf picks the model model_eval measured as more accurate on the task type', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'llmos-perf-alloc-'));
    const { kernel, stop } = await boot({ inline: [fcfs, allocPerf, echoFactoryPlugin, modelCore], dataDir, logger: createLogger('silent'), admins: ['*'] });
    cleanup = async () => (await stop(), removeDir(dataDir));
    const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, { owner: 't', signal: new AbortController().signal, progress: () => undefined }) as Promise<any>;
    await call('model_register', { kind: 'echo', id: 'alpha' });
    await call('model_register', { kind: 'echo', id: 'beta' });
    // echo answers "echo: <prompt>": expecting "beta" passes only for prompts that contain it
    const items = (word: string) => Array.from({ length: 4 }, (_, i) => ({ prompt: `${word} ${i}`, expected: 'beta', scorer: 'contains', type: 'qa' }));
    expect((await call('model_eval', { model: 'alpha', items: items('alpha') })).accuracy).toBe(0);
    expect((await call('model_eval', { model: 'beta', items: items('beta') })).accuracy).toBe(1);

    kernel.setAllocator('perf');
    const p = await call('proc_spawn', { prompt: 'which one?', type: 'qa', wait: true });
    expect(p).toMatchObject({ exit: 'ok', model: 'beta' });
    expect(kernel.procs.must(p.pid).allocation?.reason).toContain('beta has accuracy 1.000');
  });

  it('the bandit learns from model_eval results as ratings, and routes by them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'llmos-eval-bandit-'));
    const { kernel, stop } = await boot({ inline: [fcfs, allocBandit, echoFactoryPlugin, modelCore], dataDir, logger: createLogger('silent'), admins: ['*'] });
    cleanup = async () => (await stop(), removeDir(dataDir));
    const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, { owner: 't', signal: new AbortController().signal, progress: () => undefined }) as Promise<any>;
    await call('model_register', { kind: 'echo', id: 'alpha' });
    await call('model_register', { kind: 'echo', id: 'beta' });
    kernel.setAllocator('bandit');
    const items = (word: string) => Array.from({ length: 6 }, (_, i) => ({ prompt: `${word} ${i}`, expected: 'beta', scorer: 'contains', type: 'qa' }));
    await call('model_eval', { model: 'alpha', items: items('alpha') });
    await call('model_eval', { model: 'beta', items: items('beta') });

    const state = (await kernel.resources.list().find((r) => r.uri === 'llmos://alloc')!.read('llmos://alloc', {})) as { models: Record<string, { quality_observations: number }> };
    expect(state.models.alpha.quality_observations).toBe(6);
    expect(state.models.beta.quality_observations).toBe(6);
    const p = await call('proc_spawn', { prompt: 'which one?', type: 'qa', wait: true });
    expect(p).toMatchObject({ exit: 'ok', model: 'beta' });
  });

  it('an eval run by a non-admin session does not teach the shared allocator', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'llmos-eval-user-'));
    const { kernel, stop } = await boot({ inline: [fcfs, allocBandit, echoFactoryPlugin, modelCore], dataDir, logger: createLogger('silent'), admins: ['stdio'] });
    cleanup = async () => (await stop(), removeDir(dataDir));
    const as = (owner: string) => ({ owner, signal: new AbortController().signal, progress: () => undefined });
    await kernel.syscalls.dispatch('model_register', { kind: 'echo', id: 'alpha' }, as('stdio'));
    kernel.setAllocator('bandit');
    const report = (await kernel.syscalls.dispatch('model_eval', { model: 'alpha', items: [{ prompt: 'x', expected: 'nope', scorer: 'contains', type: 'qa' }] }, as('http:someone'))) as { accuracy: number };
    expect(report.accuracy).toBe(0);
    const state = (await kernel.resources.list().find((r) => r.uri === 'llmos://alloc')!.read('llmos://alloc', {})) as { models: Record<string, { quality_observations: number }> };
    expect(state.models.alpha?.quality_observations ?? 0).toBe(0);
  });
});
