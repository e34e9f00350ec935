import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { ROOT } from '../../helpers/cli.js';
import { tempDir, testKernel } from '../../helpers/kernel.js';

/** A kernel with one echo model of one slot, on `scheduler` (a plugin folder name). */
async function oneSlot(scheduler: string) {
  const cfg = join(tempDir(), 'p.json');
  writeFileSync(cfg, JSON.stringify({ plugins: [{ name: scheduler, module: join(ROOT, 'plugins', scheduler) }] }));
  const booted = await testKernel({ config: cfg, inline: [echoPlugin([new EchoBackend('one', { concurrency: 1 }, 5)])] });
  onTestFinished(booted.stop);
  const enqueued: number[] = [];
  const sched = booted.kernel.schedulers.active();
  const enqueue = sched.enqueue.bind(sched);
  sched.enqueue = (p) => (enqueued.push(p.pid), enqueue(p));
  return { ...booted, enqueued };
}

describe('an arrival that finds a slot free (Scheduler.bypassWhenIdle)', () => {
  it('leaves READY during spawn without entering an FCFS queue; later arrivals queue and run in order', async () => {
    const { kernel, enqueued } = await oneSlot('sched-fcfs');
    const first = kernel.spawn({ prompt: 'first' }, 'o');
    expect(first.state).not.toBe('ready');
    const second = kernel.spawn({ prompt: 'second' }, 'o');
    const third = kernel.spawn({ prompt: 'third' }, 'o');
    expect(second.state).toBe('ready');
    expect(enqueued).toEqual([second.pid, third.pid]);
    for (const p of [first, second, third]) await kernel.procs.wait(p.pid, 5000);
    expect([first, second, third].map((p) => p.exit)).toEqual(['ok', 'ok', 'ok']);
    expect(first.finished!).toBeLessThanOrEqual(second.finished!);
    expect(second.finished!).toBeLessThanOrEqual(third.finished!);
  });

  it('is not used by a scheduler that does not declare it (priority queues every arrival)', async () => {
    const { kernel, enqueued } = await oneSlot('sched-priority');
    const p = kernel.spawn({ prompt: 'alone' }, 'o');
    expect(p.state).toBe('ready');
    expect(enqueued).toEqual([p.pid]);
    await kernel.procs.wait(p.pid, 5000);
    expect(p.exit).toBe('ok');
  });
});
