import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BanditAllocator, type BanditParams } from '../../../plugins/alloc-bandit/allocator.js';
import { BanditState } from '../../../plugins/alloc-bandit/bandit-state.js';
import { Rng } from '../../../src/plugin-api/rng.js';
import { estimateTokens, LlmosError, taskText } from '../../../src/plugin-api/index.js';
import allocBandit from '../../../plugins/alloc-bandit/index.js';
import allocCore from '../../../plugins/alloc-core/index.js';
import profileBasic from '../../../plugins/profile-basic/index.js';
import { bootWith, ctx, model, task } from './helpers.js';

const params = (over: Partial<BanditParams> = {}): BanditParams => ({ lambda: 0, alpha: 0, ucb_c: 0.5, budget_share: 0, budget_reference: '', budget_per_1k: 0, pace_rate: 0.05, ...over });
const code = task('Write a python function to sort a list.', { type: 'code', language: 'en' });
const qa = task('Which gas do plants absorb?\nA) oxygen\nB) carbon dioxide', { type: 'qa', language: 'en' });
const A = model('a');
const B = model('b');
const teach = (s: BanditState, t: typeof code, m: string, reward: number, cost = 0.001, n = 30) => {
  for (let i = 0; i < n; i++) s.feedback({ pid: 0, task: t, model: m, ok: true, reward, latency_ms: 1, cost_usd: cost, completion_tokens: 1 });
};

/** Model a is right on every `forA` task and wrong on `forB`; b the other way round. */
const teachOpposites = (s: BanditState, forA: typeof code, forB: typeof code) => {
  teach(s, forA, 'a', 1);
  teach(s, forA, 'b', 0);
  teach(s, forB, 'a', 0);
  teach(s, forB, 'b', 1);
};

describe('BanditAllocator (LinUCB)', () => {
  it('learns per task features which model is right', () => {
    const s = new BanditState(0);
    teachOpposites(s, code, qa);
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

  it("learns a call's cost once, from its exit or a rating of it within the last 10,000 calls", () => {
    const s = new BanditState(0);
    const exit = (pid: number, reward?: number) => s.feedback({ pid, task: qa, model: 'a', ok: true, reward, latency_ms: 1, cost_usd: 0.001, completion_tokens: 1 });
    exit(1);
    exit(1, 0.9); // its rating: the same dollars
    expect(s.arms.get('a')!.cost.n).toBe(1);
    for (let pid = 2; pid <= 10_000; pid++) exit(pid);
    exit(1, 0.9); // still among the last 10,000
    expect(s.arms.get('a')!.cost.n).toBe(10_000);
    exit(10_001);
    exit(1, 0.9); // forgotten: learned again
    expect(s.arms.get('a')!.cost.n).toBe(10_002);
    exit(10_001, 0.5);
    expect(s.arms.get('a')!.cost.n).toBe(10_002);
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

  it('paces spend to a share of what the best-rated model would cost', () => {
    const s = new BanditState(0);
    teach(s, qa, 'a', 0.7, 0.0001);
    teach(s, qa, 'b', 0.9, 0.01);
    const spendAt = (over: Partial<BanditParams>) => {
      const alloc = new BanditAllocator('linucb', s, params({ lambda: 1, pace_rate: 0.02, ...over }), new Rng(1));
      const picks = Array.from({ length: 2000 }, () => alloc.choose(qa, [A, B]).model).slice(1000);
      return picks.reduce((sum, m) => sum + (m === 'b' ? 0.01 : 0.0001), 0) / picks.length;
    };
    // b is rated best, so the target is 25% of b's $0.01 a call.
    expect(spendAt({ budget_share: 0.25 })).toBeGreaterThan(0.0022);
    expect(spendAt({ budget_share: 0.25 })).toBeLessThan(0.0028);
    // A named reference overrides the best-rated one: 25% of a's cost leaves no room for b.
    expect(spendAt({ budget_share: 0.25, budget_reference: 'a' })).toBeLessThan(0.0002);
    // With both budgets set, the tighter one holds.
    const both = spendAt({ budget_share: 0.25, budget_per_1k: 1 });
    expect(both).toBeGreaterThan(0.0008);
    expect(both).toBeLessThan(0.0012);
  });

  it('paces again on the real cost at the exit, once, whichever model ran', () => {
    const s = new BanditState(0);
    teach(s, qa, 'a', 0.7, 0.0001);
    teach(s, qa, 'b', 0.9, 0.01);
    const p = params({ lambda: 50, budget_per_1k: 1, pace_rate: 0.02 });
    const alloc = new BanditAllocator('linucb', s, p, new Rng(1));
    const proc = { pid: 42 } as Parameters<typeof alloc.choose>[2] extends infer C ? (C extends { proc: infer P } ? P : never) : never;
    const picked = alloc.choose(qa, [A, B], { now: 0, proc }).model;
    const afterChoice = p.lambda;
    const fallback = picked === 'a' ? 'b' : 'a';
    alloc.feedback({ pid: 42, task: qa, model: fallback, ok: true, latency_ms: 1, cost_usd: 0.05, completion_tokens: 1 }); // the exit: a fallback ran, far dearer than expected
    const afterExit = p.lambda;
    expect(afterExit).toBeGreaterThan(afterChoice);
    alloc.feedback({ pid: 42, task: qa, model: fallback, ok: true, reward: 1, latency_ms: 1, cost_usd: 0.05, completion_tokens: 1 }); // a later rating of it
    expect(p.lambda).toBe(afterExit);
  });

  it('paces only real choices, and by the absolute budget alone until some model is rated', () => {
    const s = new BanditState(0);
    for (const m of ['a', 'b']) s.feedback({ pid: 0, task: qa, model: m, ok: true, latency_ms: 1, cost_usd: m === 'a' ? 0.0001 : 0.01, completion_tokens: 1 }); // costs, no ratings
    const p = params({ lambda: 5, budget_share: 0.24, budget_per_1k: 0.5, pace_rate: 0.02 });
    const alloc = new BanditAllocator('linucb', s, p, new Rng(1));
    alloc.choose(qa, [B]); // a pinned model: no choice, no pacing
    expect(p.lambda).toBe(5);
    for (let i = 0; i < 50; i++) alloc.choose(qa, [A, B]);
    expect(p.lambda).not.toBe(5); // paced to budget_per_1k, with no reference model yet
  });

  it('refuses alloc_set params it does not take or that are out of range', () => {
    const alloc = new BanditAllocator('linucb', new BanditState(0), params(), new Rng(1));
    expect(() => alloc.configure({ budget_share: 50 })).toThrow(/budget_share: .*(1|<=)/);
    expect(() => alloc.configure({ pace_rate: -1 })).toThrow(LlmosError);
    expect(() => alloc.configure({ lamda: 3 })).toThrow(/takes lambda, alpha/);
    alloc.configure({ lambda: 3, budget_reference: 'b' });
    expect(alloc.params).toMatchObject({ lambda: 3, budget_reference: 'b' });
  });

  it('tells tasks apart by their domain tags', () => {
    const s = new BanditState(0);
    const law = task('Is this clause enforceable?', { type: 'qa', language: 'en', domain: ['law'] });
    const med = task('Is this clause enforceable?', { type: 'qa', language: 'en', domain: ['medicine'] });
    teachOpposites(s, law, med);
    const alloc = new BanditAllocator('linucb', s, params(), new Rng(1));
    expect(alloc.choose(law, [A, B]).model).toBe('a');
    expect(alloc.choose(med, [A, B]).model).toBe('b');
  });

  it('tells same-text tasks apart by code language and by intent, with no rule written', () => {
    const s = new BanditState(0);
    const prompt = 'Make this faster, please.';
    const py = task(prompt, { type: 'code', language: 'en', code_language: 'python', confidence: { code_language: 0.97 } });
    const rs = task(prompt, { type: 'code', language: 'en', code_language: 'rust', confidence: { code_language: 0.97 } });
    teachOpposites(s, py, rs);
    const chat = task(prompt, { type: 'chat', language: 'en', intent: 'chit-chat', confidence: { intent: 0.9 } });
    const work = task(prompt, { type: 'chat', language: 'en', intent: 'professional', confidence: { intent: 0.9 } });
    teachOpposites(s, chat, work);
    const alloc = new BanditAllocator('linucb', s, params(), new Rng(1));
    expect([alloc.choose(py, [A, B]).model, alloc.choose(rs, [A, B]).model]).toEqual(['a', 'b']);
    expect([alloc.choose(chat, [A, B]).model, alloc.choose(work, [A, B]).model]).toEqual(['a', 'b']);
  });

  it('expects cost to grow linearly with prompt length, beyond the lengths it has seen', () => {
    const s = new BanditState(0);
    const sized = (words: number) => task(Array.from({ length: words }, (_, i) => `w${i}`).join(' '), { type: 'qa', language: 'en' });
    const perToken = 0.00001;
    for (const words of [100, 150, 200]) {
      const t = sized(words);
      teach(s, t, 'a', 1, perToken * estimateTokens(taskText(t)), 10);
    }
    const long = sized(800);
    expect(s.expectedCost(long, A) / (perToken * estimateTokens(taskText(long)))).toBeGreaterThan(0.8);
    expect(s.expectedCost(long, A) / (perToken * estimateTokens(taskText(long)))).toBeLessThan(1.2);
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
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.observations).toBe(12); // 6 exits (cost) + 6 ratings
    const costs = Object.values(saved.arms as Record<string, { cost: { n: number } }>).reduce((n, a) => n + a.cost.n, 0);
    expect(costs).toBe(6); // a rating repeats its exit's cost, which is learned once
    expect(saved.paced_lambda.linucb).toBeGreaterThan(0); // budget pacing is on by default
    saved.paced_lambda.linucb = 7.5;
    writeFileSync(file, JSON.stringify(saved));

    const second = await bootWith([profileBasic, allocBandit, allocCore], first.dataDir);
    try {
      const res = second.kernel.resources.list().find((r) => r.uri === 'llmos://alloc')!;
      const body = (await res.read('llmos://alloc', {})) as { observations: number; params: Record<string, { lambda: number }>; contexts: Record<string, Record<string, { n: number }>> };
      expect(body.observations).toBe(12);
      expect(body.params.linucb.lambda).toBe(7.5); // λ as pacing left it
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
