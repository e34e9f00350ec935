import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { ROOT } from '../../helpers/cli.js';
import { tempDir, testKernel } from '../../helpers/kernel.js';

describe('preemption', () => {
  it('a more urgent process cancels and requeues a less urgent running one, which then finishes', async () => {
    const cfg = join(tempDir(), 'p.json');
    writeFileSync(cfg, JSON.stringify({ plugins: [{ name: 'sched-priority', module: join(ROOT, 'plugins/sched-priority'), options: { preempt: true } }] }));
    const one = new EchoBackend('one', { concurrency: 1 }, 20);
    const { kernel, stop } = await testKernel({ config: cfg, inline: [echoPlugin([one])] });
    onTestFinished(stop); // even when an assertion fails
    const low = kernel.spawn({ prompt: 'slow background job with many words to stream', priority: 9 }, 'o');
    await new Promise((r) => setTimeout(r, 30));
    expect(low.state).toBe('running');
    const urgent = kernel.spawn({ prompt: 'urgent', priority: 0 }, 'o');
    await kernel.procs.wait(urgent.pid, 5000);
    await kernel.procs.wait(low.pid, 5000);
    expect(urgent.exit).toBe('ok');
    expect(low.exit).toBe('ok');
    expect(low.attempts[0].error?.code).toBe('LLMOS_EPREEMPTED');
    expect(low.attempts.at(-1)?.error).toBeUndefined();
    expect(urgent.finished!).toBeLessThan(low.finished!);
    expect(kernel.res.inUse('one')).toBe(0);
  });

  it('is off by default', async () => {
    const cfg = join(tempDir(), 'p.json');
    writeFileSync(cfg, JSON.stringify({ plugins: [{ name: 'sched-priority', module: join(ROOT, 'plugins/sched-priority') }] }));
    const { kernel, stop } = await testKernel({ config: cfg, inline: [echoPlugin([new EchoBackend('one', { concurrency: 1 }, 10)])] });
    onTestFinished(stop); // even when an assertion fails
    const low = kernel.spawn({ prompt: 'background job with words', priority: 9 }, 'o');
    await new Promise((r) => setTimeout(r, 15));
    const urgent = kernel.spawn({ prompt: 'urgent', priority: 0 }, 'o');
    await kernel.procs.wait(urgent.pid, 5000);
    expect(low.attempts).toHaveLength(1);
    expect(low.finished!).toBeLessThan(urgent.finished!);
  });
});
