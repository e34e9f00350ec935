import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BanditAllocator, type BanditParams } from '../../../plugins/alloc-bandit/allocator.js';
import { BanditState } from '../../../plugins/alloc-bandit/bandit-state.js';
import { Rng } from '../../../src/plugin-api/rng.js';
import allocBandit from '../../../plugins/alloc-bandit/index.js';
import allocCore from '../../../plugins/alloc-core/index.js';
import profileBasic from '../../../plugins/profile-basic/index.js';
import { bootWith, ctx, model, task } from './helpers.js';

const params = (over: Partial<BanditParams> = {}): BanditParams => ({ lambda: 0, alpha: 0, ucb_c: 0.5, budget_per_1k: 0, pace_rate: 0.05, ...over });
const code = task('Write a python function to sort a list.', { type: 'code', language: 'en' });
const qa = task('Which gas do plants absorb?\nA) oxygen\nB) carbon dioxide', { type: 'qa', language: 'en' });
const A = model('a');
const B = model('b');
const teach = (s: BanditState, t: typeof code, m: string, reward: number, cost = 0.001, n = 30) => {
  for (let i = 0; i < n; i++) s.feedback({ pid: 0, task: t, model: m, ok: true, reward, latency_ms: 1, cost_usd: cost, completion_tokens: 1 });
};

describe('BanditAllocator (LinUCB)', () => {
  it('learns per task features which model is right', () => {
    const s = new BanditState(0);
    teach(s, code, 'a', 1);
    teach(s, code, 'b', 0);
    teach(s, qa, 'a', 0);
    teach(s, qa, 'b', 1);
    const alloc = new BanditAllocator('linucb', s, params(), new Rng(1));
    expect(alloc.choose(code, [A, B]).model).toBe('a');
    const r = alloc.choose(qa, [A, B]);
    expect(r.model).toBe('b');
    expect(r.scores.b).toBeGreaterThan(r.scores.a);
    expect(r.reason).toMatch(/LinUCB over task features: b scored quality/);
  });

  it('trades quality for cost through λ, with cost learned from feedback', () => {
    const s = new BanditState(0);
    teach(s, qa, 'a', 0.8, 0.0001);
    teach(s, qa, 'b', 0.9, 0.01);
    expect(new BanditAllocator('linucb', s, params({ lambda: 0 }), new Rng(1)).choose(qa, [A, B]).model).toBe('b');
    expect(new BanditAllocator('linucb', s, params({ lambda: 100 }), new Rng(1)).choose(qa, [A, B]).model).toBe('a');
    expect(s.expectedCost(qa, B)).toBeCloseTo(0.01, 3);
  });

  it('tries a model it has never seen (optimism) and only learns quality from ratings or failures', () => {
    const s = new BanditState(0);
    teach(s, qa, 'a', 0.9);
    expect(new BanditAllocator('linucb', s, params({ alpha: 0.1 }), new Rng(1)).choose(qa, [A, B]).model).toBe('b');
    s.feedback({ pid: 1, task: qa, model: 'b', ok: true, latency_ms: 1, cost_usd: 0.002, completion_tokens: 1 });
    expect(s.arms.get('b')!.quality.n).toBe(0);
    expect(s.arms.get('b')!.cost.n).toBe(1);
    s.feedback({ pid: 2, task: qa, model: 'b', ok: false, latency_ms: 1, cost_usd: 0, completion_tokens: 0 });
    expect(s.arms.get('b')!.quality.n).toBe(1);
  });

  it('paces λ towards a spend target', () => {
    const s = new BanditState(0);
    teach(s, qa, 'a', 0.7, 0.0001);
    teach(s, qa, 'b', 0.9, 0.01);
    const p = params({ lambda: 1, budget_per_1k: 1, pace_rate: 0.02 }); // $0.001 a call: b is over budget
    const alloc = new BanditAllocator('linucb', s, p, new Rng(1));
    const picks = Array.from({ length: 1000 }, () => alloc.choose(qa, [A, B]).model).slice(500);
    expect(p.lambda).toBeGreaterThan(10);
    const spend = picks.reduce((sum, m) => sum + (m === 'b' ? 0.01 : 0.0001), 0) / picks.length;
    expect(spend).toBeGreaterThan(0.0008);
    expect(spend).toBeLessThan(0.0012);
    expect(picks.slice(-100)).toContain('b'); // still mixes, does not starve the better model
  });
});

describe('Thompson sampling and UCB1 per context', () => {
  it('prefer the better model within a context and keep contexts apart', () => {
    const s = new BanditState(0);
    teach(s, code, 'a', 1, 0.001, 20);
    teach(s, code, 'b', 0, 0.001, 20);
    teach(s, qa, 'a', 0, 0.001, 20);
    teach(s, qa, 'b', 1, 0.001, 20);
    for (const policy of ['thompson', 'ucb1'] as const) {
      const alloc = new BanditAllocator(policy, s, params({ ucb_c: 0.1 }), new Rng(3));
      const codePicks = Array.from({ length: 50 }, () => alloc.choose(code, [A, B]).model);
      expect(codePicks.filter((m) => m === 'a').length, policy).toBeGreaterThanOrEqual(48);
      expect(alloc.choose(qa, [A, B]).model, policy).toBe('b');
    }
    expect(new BanditAllocator('thompson', s, params(), new Rng(3)).choose(code, [A, B]).reason).toMatch(/thompson in context code\|en/);
  });

  it('UCB1 plays an untried model first', () => {
    const s = new BanditState(0);
    teach(s, qa, 'a', 1);
    expect(new BanditAllocator('ucb1', s, params(), new Rng(1)).choose(qa, [A, B]).model).toBe('b');
  });
});

describe('alloc-bandit plugin', () => {
  it('persists what it learned across restarts and shows it at llmos://alloc', async () => {
    const first = await bootWith([profileBasic, allocBandit, allocCore]);
    const prompt = 'Which gas do plants absorb?\nA) oxygen\nB) carbon dioxide';
    try {
      await first.kernel.syscalls.dispatch('alloc_set', { name: 'bandit' }, ctx());
      for (let i = 0; i < 6; i++) {
        const rec = await first.kernel.syscalls.dispatch('proc_spawn', { prompt, wait: true }, ctx());
        await first.kernel.syscalls.dispatch('proc_feedback', { pid: rec.pid, reward: rec.model === 'cheap' ? 1 : 0 }, ctx());
      }
    } finally {
      await first.stop();
    }
    const file = join(first.dataDir, 'alloc-bandit.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).observations).toBe(12); // 6 exits (cost) + 6 ratings

    const second = await bootWith([profileBasic, allocBandit, allocCore], first.dataDir);
    try {
      const res = second.kernel.resources.list().find((r) => r.uri === 'llmos://alloc')!;
      const body = (await res.read('llmos://alloc', {})) as { observations: number; contexts: Record<string, Record<string, { n: number }>> };
      expect(body.observations).toBe(12);
      expect(Object.values(body.contexts['qa|en']).reduce((n, s) => n + s.n, 0)).toBe(6);
      await second.kernel.syscalls.dispatch('alloc_set', { name: 'bandit' }, ctx());
      const rec = await second.kernel.syscalls.dispatch('proc_spawn', { prompt, wait: true }, ctx());
      expect(rec.model).toBe('cheap');
      const why = await second.kernel.syscalls.dispatch('alloc_explain', { pid: rec.pid }, ctx());
      expect(why.reason).toMatch(/LinUCB/);
    } finally {
      await second.stop();
    }
  });
});
