import { describe, expect, it, vi } from 'vitest';
import { definePlugin, type AllocationFeedback } from '../../../src/plugin-api/index.js';
import allocBandit from '../../../plugins/alloc-bandit/index.js';
import allocCore from '../../../plugins/alloc-core/index.js';
import { bootWith, ctx } from './helpers.js';

describe('alloc-core syscalls', () => {
  it('get, set (with params), explain and feedback', async () => {
    const got: AllocationFeedback[] = [];
    const recorder = definePlugin({
      name: 'recorder',
      version: '1.0.0',
      provides: ['allocator'],
      register: (s) =>
        s.allocator('recorder', () => ({
          name: 'recorder',
          choose: (_t, c) => ({ model: c.at(-1)!.id, reason: 'last candidate, for the test', scores: Object.fromEntries(c.map((m, i) => [m.id, i])) }),
          feedback: (e) => void got.push(e),
        })),
    });
    const { kernel, stop } = await bootWith([allocBandit, allocCore, recorder]);
    const call = (name: string, args: unknown) => kernel.syscalls.dispatch(name, args, ctx());
    try {
      const g = await call('alloc_get', {});
      expect(g.available).toEqual(expect.arrayContaining(['first', 'bandit', 'bandit-thompson', 'bandit-ucb1', 'recorder']));
      const set = await call('alloc_set', { name: 'bandit', params: { lambda: 7 } });
      expect(set).toMatchObject({ active: 'bandit', state: { lambda: 7 } });
      const pinned = await call('alloc_set', { name: 'bandit', params: { budget_share: 0.5, budget_reference: 'pricey' } });
      expect(pinned).toMatchObject({ state: { budget_share: 0.5, budget_reference: 'pricey' } });
      await expect(call('alloc_set', { name: 'nope' })).rejects.toThrow(/no allocator named "nope"; available: first, bandit/);
      await expect(call('alloc_set', { name: 'first', params: { lambda: 1 } })).rejects.toThrow(/takes no parameters/);

      await call('alloc_set', { name: 'recorder' });
      const rec = await call('proc_spawn', { prompt: 'hello', wait: true });
      expect(rec.model).toBe('pricey');
      expect(await call('alloc_explain', { pid: rec.pid })).toEqual({ pid: rec.pid, model: 'pricey', reason: 'last candidate, for the test', scores: { cheap: 0, pricey: 1 }, ran_on: 'pricey' });
      await vi.waitFor(() => expect(got.some((e) => e.pid === rec.pid && e.reward === undefined)).toBe(true)); // the dispatcher's exit feedback
      const exits = got.length;
      expect(await call('proc_feedback', { pid: rec.pid, rating: 4 })).toEqual({ pid: rec.pid, model: 'pricey', reward: 0.75, allocator: 'recorder' });
      expect(got.length).toBe(exits + 1);
      expect(got.at(-1)).toMatchObject({ pid: rec.pid, model: 'pricey', ok: true, reward: 0.75 });
      await expect(call('proc_feedback', { pid: rec.pid, rating: 4, reward: 1 })).rejects.toThrow(/exactly one of "reward" or "rating"/);
      const q = await call('proc_spawn', { prompt: 'hang on' });
      await expect(call('proc_feedback', { pid: q.pid, reward: 1 })).rejects.toThrow(/wait for it with proc_wait/);
      await call('proc_kill', { pid: q.pid });
    } finally {
      await stop();
    }
  });
});
