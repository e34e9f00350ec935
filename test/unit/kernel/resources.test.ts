import { describe, expect, it } from 'vitest';
import { TaskSchema } from '../../../src/core/task.js';
import { ProcessTable } from '../../../src/kernel/proc.js';
import { ResourceManager } from '../../../src/kernel/resources.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';

describe('slots', () => {
  const procs = new ProcessTable();
  const proc = () => procs.alloc(TaskSchema.parse({ prompt: 'x' }), 'o');

  it('acquire for an already-stopped process rejects at once with its reason and takes no slot, free or not', async () => {
    const res = new ResourceManager();
    res.addModel(new EchoBackend('m', { concurrency: 1 }).info);
    const gone = proc();
    const why = new Error('killed before asking');
    gone.stop(why);
    await expect(res.acquire('m', gone)).rejects.toBe(why); // a slot is free
    expect(res.inUse('m')).toBe(0);
    const give = await res.acquire('m', proc());
    const late = res.acquire('m', gone); // none is free
    give();
    await expect(late).rejects.toBe(why);
    expect(res.inUse('m')).toBe(0);
  });

  it('a process stopped while it waits for a slot leaves the line, and the next waiter gets the slot', async () => {
    const res = new ResourceManager();
    res.addModel(new EchoBackend('m', { concurrency: 1 }).info);
    const give = await res.acquire('m', proc());
    const [stopped, next] = [proc(), proc()];
    const waiting = res.acquire('m', stopped);
    const after = res.acquire('m', next);
    const why = new Error('killed while waiting');
    stopped.stop(why);
    await expect(waiting).rejects.toBe(why);
    give();
    (await after)();
    expect(res.inUse('m')).toBe(0);
  });
});
