/**
 * The Allocator contract (src/plugin-api/allocator.ts) as one vitest suite:
 *   allocatorContract('my-allocator', () => new MyAllocator());
 */
import { describe, expect, it } from 'vitest';
import { Rng, type Allocation, type Allocator, type ModelInfo, type Task } from '../index.js';
import { fakeProcess } from './fake-process.js';
import { contractTask } from './tasks.js';

export interface AllocatorContractOptions {
  /** Models to choose among; the default is three models of different price and speed. */
  candidates?: ModelInfo[];
  /** Tasks to allocate; the default covers a chat, a code and a translation task. */
  tasks?: Task[];
}

/** A model a contract suite can offer as a candidate. */
export function contractModel(id: string, price_per_1k: number, tokens_per_s: number): ModelInfo {
  return {
    id,
    version: '1',
    backend: 'contract',
    capabilities: { context_window: 8192, max_output_tokens: 2048, streaming: true, tool_calling: false },
    pricing: { input_per_1k: price_per_1k, output_per_1k: price_per_1k * 2 },
    expected_tokens_per_s: tokens_per_s,
    concurrency: 2,
  };
}

const DEFAULT_CANDIDATES = [contractModel('small', 0.0001, 200), contractModel('medium', 0.001, 80), contractModel('large', 0.01, 30)];
const DEFAULT_TASKS = [
  contractTask({ prompt: 'Hello, how are you today?', type: 'chat' }),
  contractTask({ prompt: 'Write a function that reverses a linked list.', type: 'code', max_tokens: 800 }),
  contractTask({ prompt: 'Translate to French: good morning', type: 'translation', language: 'en' }),
];

/** Checks one allocation against its candidates; returns it. */
function expectValid(a: Allocation, candidates: readonly ModelInfo[]): Allocation {
  const ids = candidates.map((c) => c.id);
  expect(ids, 'allocation.model is a candidate').toContain(a.model);
  expect(a.reason.trim(), 'allocation.reason').not.toBe('');
  for (const [id, score] of Object.entries(a.scores)) {
    expect(ids, `scores has a key "${id}" that is not a candidate`).toContain(id);
    expect(Number.isFinite(score), `score of "${id}" is finite`).toBe(true);
  }
  return a;
}

/** Runs the Allocator contract against fresh allocators from `make`. */
export function allocatorContract(label: string, make: () => Allocator, opts: AllocatorContractOptions = {}): void {
  const candidates = opts.candidates ?? DEFAULT_CANDIDATES;
  const tasks = opts.tasks ?? DEFAULT_TASKS;
  const choose = async (a: Allocator, task: Task, cands: readonly ModelInfo[], pid = 1) =>
    expectValid(await a.choose(task, cands, { now: Date.now(), proc: fakeProcess({ pid, task }) }), cands);

  describe(`Allocator contract: ${label}`, () => {
    it('chooses a candidate, with a reason and finite scores for candidates only', async () => {
      const a = make();
      expect(typeof a.name).toBe('string');
      for (const task of tasks) {
        await choose(a, task, candidates);
        for (const one of candidates) expect((await choose(a, task, [one])).model).toBe(one.id);
        await choose(a, task, [...candidates].reverse().slice(0, 2));
      }
    });

    it('takes any feedback without throwing, and still chooses a candidate after it', async () => {
      const a = make();
      const rng = new Rng(5);
      for (let pid = 1; pid <= 60; pid++) {
        const task = tasks[pid % tasks.length];
        const { model } = await choose(a, task, candidates, pid);
        const ok = rng.next() < 0.8;
        const reward = pid % 3 === 0 ? undefined : rng.next();
        expect(() => a.feedback?.({ pid, task, model, ok, reward, latency_ms: Math.floor(rng.exp(0.001)), cost_usd: rng.next() / 100, completion_tokens: Math.floor(rng.next() * 500) })).not.toThrow();
      }
      expect(() => a.feedback?.({ pid: 999, task: tasks[0], model: 'removed-model', ok: false, latency_ms: 0, cost_usd: 0, completion_tokens: 0 })).not.toThrow();
      await choose(a, tasks[0], candidates, 1000);
    });

    it('configure() rejects an unknown parameter with LLMOS_EINVAL and accepts none', (ctx) => {
      const a = make();
      if (!a.configure) return ctx.skip('this allocator has no configure()');
      expect(() => a.configure!({ no_such_param_xyz: 1 })).toThrow(expect.objectContaining({ code: 'LLMOS_EINVAL' }));
      expect(() => a.configure!({})).not.toThrow();
    });

    it('gives a JSON snapshot when it has one', async (ctx) => {
      const a = make();
      if (!a.snapshot) return ctx.skip('this allocator has no snapshot()');
      await choose(a, tasks[0], candidates);
      const snap = a.snapshot();
      expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    });
  });
}
