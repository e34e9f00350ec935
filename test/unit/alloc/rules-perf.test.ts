import { describe, expect, it, vi } from 'vitest';
import { Kernel } from '../../../src/kernel/kernel.js';
import { loadPlugins } from '../../../src/loader/loader.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import { definePlugin, PERF_TABLE_TOKEN } from '../../../src/plugin-api/index.js';
import { RulesAllocator, validateRules } from '../../../plugins/alloc-rules/index.js';
import { RulesOptions } from '../../../plugins/alloc-rules/rules.js';
import allocPerf, { MemoryPerfTable, PerfAllocator } from '../../../plugins/alloc-perf/index.js';
import { PerfOptions } from '../../../plugins/alloc-perf/perf-allocator.js';
import schedFcfs from '../../../plugins/sched-fcfs/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { bootWith, model, task, tmp } from './helpers.js';

const cands = [model('small', 0.0001), model('large', 0.01), model('coder', 0.001)];

describe('alloc-rules', () => {
  const cfg = RulesOptions.parse({
    rules: [
      { match: { type: 'code' }, model: 'coder' },
      { match: { language: ['fr', 'de'] }, group: 'multilingual' },
      { match: { regex: 'urgent|asap' }, model: 'large' },
      { match: { metadata: { tier: 'gold' } }, model: 'large' },
      { match: { domain: 'medicine' }, model: 'large' },
    ],
    groups: { multilingual: ['absent', 'large'] },
    default: 'small',
  });
  const r = new RulesAllocator(cfg);

  it('takes the first matching rule, a group in preference order, else the default', () => {
    expect(r.choose(task('x', { type: 'code', language: 'fr' }), cands)).toMatchObject({ model: 'coder', reason: expect.stringMatching(/^rule 0 matched/) });
    expect(r.choose(task('x', { type: 'chat', language: 'de' }), cands).reason).toMatch(/rule 1 matched on source_language=de and names group "multilingual", whose first available model is large/);
    expect(r.choose(task('Reply ASAP please', { type: 'chat', language: 'en' }), cands).model).toBe('large');
    expect(r.choose(task('x', { metadata: { tier: 'gold' } }), cands).model).toBe('large');
    expect(r.choose(task('x', { domain: ['medicine', 'law'] }), cands).model).toBe('large');
    expect(r.choose(task('hello', { type: 'chat', language: 'en' }), cands)).toMatchObject({ model: 'small', reason: expect.stringMatching(/default/) });
  });

  it('passes over a rule whose models are not candidates', () => {
    expect(r.choose(task('x', { type: 'code' }), cands.filter((m) => m.id !== 'coder')).model).toBe('small');
  });

  it('validates rules at load, naming the index of a rule with an unknown model', () => {
    expect(() => validateRules(cfg, new Set(['small', 'large', 'coder', 'absent']))).not.toThrow();
    expect(() => validateRules(cfg, new Set(['small', 'large', 'coder']))).toThrow(/rule 1 names unknown model "absent"/);
    expect(() => validateRules(RulesOptions.parse({ rules: [{ match: {}, group: 'nope' }] }), new Set())).toThrow(/rule 0 names unknown group "nope"/);
  });

  it('fails the plugin load through the real loader', async () => {
    const kernel = new Kernel({ dataDir: tmp() });
    const plugins = [{ name: 'alloc-rules', module: './plugins/alloc-rules', enabled: true, options: { rules: [{ match: { type: 'qa' }, model: 'echo' }, { match: {}, model: 'gpt-9' }] } }];
    await expect(loadPlugins(kernel, { plugins, dir: packageRoot }, { inline: [schedFcfs, echoPlugin()] })).rejects.toThrow(/rule 1 names unknown model "gpt-9"/);
  });
});

describe('alloc-perf', () => {
  const table = new MemoryPerfTable();
  for (let i = 0; i < 4; i++) {
    table.record('small', 'qa', { quality: 0.6, cost_usd: 0.0001, latency_ms: 200 });
    table.record('large', 'qa', { quality: 0.95, cost_usd: 0.01, latency_ms: 2000 });
    table.record('coder', 'code', { quality: 0.9, cost_usd: 0.001, latency_ms: 500 });
  }
  const make = (over: Record<string, unknown> = {}) => new PerfAllocator(() => table, PerfOptions.parse(over));

  it('scores accuracy against λ·cost from the table', () => {
    expect(make({ lambda: 0 }).choose(task('q', { type: 'qa' }), cands).model).toBe('large');
    const r = make({ lambda: 100 }).choose(task('q', { type: 'qa' }), cands);
    expect(r.model).toBe('small');
    expect(r.scores.large).toBeCloseTo(0.95 - 1, 6);
    expect(make({ lambda: 10 }).choose(task('q', { type: 'code' }), cands).model).toBe('coder');
  });

  it('enforces budget, latency SLO and context window as hard constraints', () => {
    expect(make({ lambda: 0, max_cost_usd: 0.005 }).choose(task('q', { type: 'qa' }), cands).reason).toMatch(/large \(budget\)/);
    expect(make({ lambda: 0, latency_slo_ms: 1000 }).choose(task('q', { type: 'qa' }), cands).model).not.toBe('large');
    const big = task('word '.repeat(4000), { type: 'qa' });
    expect(() => make({ lambda: 0 }).choose(big, cands)).toThrow(/no model meets the hard constraints: small \(context window\)/);
  });

  it('reads the PerfTable another plugin provides under the DI token, and folds feedback into it', async () => {
    const shared = new MemoryPerfTable();
    shared.record('pricey', 'chat', { quality: 1, cost_usd: 0.0001 });
    shared.record('cheap', 'chat', { quality: 0.1, cost_usd: 0.0001 });
    const provider = definePlugin({ name: 'perf-table', version: '1.0.0', provides: [], register: (s) => s.provide(PERF_TABLE_TOKEN, shared) });
    const { kernel, stop } = await bootWith([provider, allocPerf]);
    try {
      kernel.setAllocator('perf');
      const p = kernel.spawn(task('hello there', { type: 'chat' }), 't');
      await kernel.procs.wait(p.pid, 5000);
      expect(p.model).toBe('pricey');
      await vi.waitFor(() => expect(shared.get('pricey', 'chat')!.n_cost).toBe(2)); // exit feedback follows the wake-up
    } finally {
      await stop();
    }
  });
});
