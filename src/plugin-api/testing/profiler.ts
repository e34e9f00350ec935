/**
 * The Profiler contract (src/plugin-api/profiler.ts) as one vitest suite:
 *   profilerContract('my-profiler', () => new MyProfiler());
 */
import { describe, expect, it } from 'vitest';
import { TASK_TYPES, type Profiler, type Task } from '../index.js';
import { contractTask } from './tasks.js';

const DEFAULT_TASKS = [
  contractTask({ prompt: 'Write a Python function that sorts a list of numbers.' }),
  contractTask({ prompt: 'Quelle est la capitale de la France ?' }),
  contractTask({ system: 'You are terse.', messages: [{ role: 'user', content: 'What is 12 times 7?' }, { role: 'assistant', content: '84' }, { role: 'user', content: 'And divided by 4?' }] }),
  contractTask({ prompt: '' }),
  contractTask({ prompt: 'x'.repeat(20_000) }),
];

/** Runs the Profiler contract against a profiler from `make`. */
export function profilerContract(label: string, make: () => Profiler, opts: { tasks?: Task[] } = {}): void {
  const tasks = opts.tasks ?? DEFAULT_TASKS;
  describe(`Profiler contract: ${label}`, () => {
    it.each(tasks.map((t, i) => [i, t] as const))('gives a valid TaskProfile (task %i)', (_i, task) => {
      const p = make().profile(task);
      expect(TASK_TYPES).toContain(p.type);
      expect(p.language).toMatch(/^[a-z]{2,3}([-_][A-Za-z0-9]+)*$/);
      expect(Array.isArray(p.domain)).toBe(true);
      for (const d of p.domain) expect(d.trim()).not.toBe('');
      expect(Number.isFinite(p.size) && p.size >= 0).toBe(true);
    });

    it('profiles the same task the same way twice', () => {
      const prof = make();
      for (const t of tasks) expect(prof.profile(t)).toEqual(prof.profile(t));
    });

    it('sizes a longer prompt at least as large', () => {
      const prof = make();
      const short = prof.profile(contractTask({ prompt: 'Summarise this: the cat sat on the mat.' }));
      const long = prof.profile(contractTask({ prompt: 'Summarise this: ' + 'the cat sat on the mat. '.repeat(200) }));
      expect(long.size).toBeGreaterThan(short.size);
    });
  });
}
