import { describe, expect, it, onTestFinished } from 'vitest';
import { definePlugin, LlmosError, procSnapshot, type Journal, type PluginDefinition, type ProcView, type ReadyQueue, type RunHost } from '../../../src/plugin-api/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

const journal = (name: string): PluginDefinition =>
  definePlugin({ name, version: '1.0.0', provides: ['journal'], register: (scope) => scope.journal({ name, replay: () => ({ records: [], lastPid: 0 }) } satisfies Journal) });

/** A ready queue that holds processes in an array until the test hands them to the host. */
class ArrayQueue implements ReadyQueue {
  readonly name = 'array';
  readonly held: number[] = [];
  constructor(readonly host: RunHost) {}
  push(p: ProcView): void {
    this.held.push(p.pid);
  }
  remove(pid: number): boolean {
    const i = this.held.indexOf(pid);
    if (i >= 0) this.held.splice(i, 1);
    return i >= 0;
  }
  reprioritize(): void {}
  size(): number {
    return this.held.length;
  }
  snapshot(): Record<string, unknown> {
    return { held: [...this.held] };
  }
}

const queuePlugin = (name: string, made: ArrayQueue[] = []): PluginDefinition =>
  definePlugin({ name, version: '1.0.0', provides: ['queue'], register: (scope) => scope.readyQueue((host) => (made.push(new ArrayQueue(host)), made.at(-1)!)) });

describe('kernel extension points: one provider each', () => {
  it('refuses a second journal with LLMOS_EEXIST naming both plugins', async () => {
    const boot = testKernel({ inline: [journal('journal-a'), journal('journal-b'), echoPlugin()] });
    await expect(boot).rejects.toMatchObject({ code: 'LLMOS_EEXIST', message: expect.stringMatching(/"journal-b".*"journal-a"/) });
  });

  it('refuses a second ready queue with LLMOS_EEXIST, without building it', async () => {
    const made: ArrayQueue[] = [];
    const boot = testKernel({ inline: [queuePlugin('queue-a', made), queuePlugin('queue-b', made), echoPlugin()] });
    await expect(boot).rejects.toMatchObject({ code: 'LLMOS_EEXIST', message: expect.stringMatching(/"queue-b".*"queue-a"/) });
    expect(made).toHaveLength(1);
  });

  it('refuses a second pid source, and a pid source from a plugin that does not declare "queue"', async () => {
    const pids = (name: string, provides: Array<'queue' | 'syscall'>) =>
      definePlugin({ name, version: '1.0.0', provides, register: (scope) => scope.pidSource(() => 7) });
    await expect(testKernel({ inline: [pids('p1', ['queue']), pids('p2', ['queue']), echoPlugin()] })).rejects.toMatchObject({ code: 'LLMOS_EEXIST' });
    await expect(testKernel({ inline: [pids('p3', ['syscall']), echoPlugin()] })).rejects.toMatchObject({ code: 'LLMOS_EPLUGIN', message: expect.stringContaining('"queue"') });
  });
});

describe('a plugin ready queue', () => {
  it('holds READY processes and hands them back to the kernel, which places and runs them', async () => {
    const made: ArrayQueue[] = [];
    const { kernel, stop } = await testKernel({ inline: [queuePlugin('queue-a', made), echoPlugin([new EchoBackend('echo', {}, 1)])] });
    onTestFinished(stop);
    const q = made[0];
    const p = kernel.spawn({ prompt: 'through the host' }, 'o');
    const killed = kernel.spawn({ prompt: 'never runs' }, 'o');
    expect(q.held).toEqual([p.pid, killed.pid]);
    kernel.kill(killed.pid);
    expect(q.held).toEqual([p.pid]); // remove() was asked
    expect(killed.exit).toBe('killed');

    const alloc = await q.host.place(p.pid);
    expect(alloc.model).toBe('echo');
    expect(p.allocation?.model).toBe('echo'); // recorded for alloc_explain
    expect(await q.host.run(p.pid, alloc.model)).toBe('exited');
    expect(p).toMatchObject({ state: 'exited', exit: 'ok', result: { text: 'echo: through the host' } });
    await expect(q.host.run(p.pid, 'nope')).rejects.toMatchObject({ code: 'LLMOS_ENOMODEL' });
  });

  it('fails a process it cannot keep, and mirrors records from elsewhere through the kernel', async () => {
    const made: ArrayQueue[] = [];
    const { kernel, stop } = await testKernel({ inline: [queuePlugin('queue-a', made), echoPlugin()] });
    onTestFinished(stop);
    const host = made[0].host;
    const p = kernel.spawn({ prompt: 'dropped' }, 'o');
    host.fail(p.pid, new LlmosError('LLMOS_EUNAVAILABLE', 'the queue lost it; spawn again.'));
    expect(p).toMatchObject({ state: 'exited', exit: 'failed', error: { code: 'LLMOS_EUNAVAILABLE' } });

    // A replica of a process another node runs: adopted under its pid, then moved to its exit.
    const record = { ...procSnapshot(p), pid: 500, ppid: 0, state: 'running' as const, exit: undefined, finished: undefined, error: undefined };
    expect(host.mirror(record)).toBe(true);
    const replica = kernel.procs.must(500);
    expect(replica.state).toBe('running');
    const waited = kernel.procs.wait(500, 5000);
    expect(host.mirror({ ...record, state: 'exited', exit: 'ok', result: { text: 'done elsewhere', finish_reason: 'stop' }, finished: 123 })).toBe(true);
    expect(await waited).toMatchObject({ state: 'exited', exit: 'ok', finished: 123, result: { text: 'done elsewhere' } });
  });
});
