import { describe, expect, it } from 'vitest';
import { ResourceManager } from '../../../src/kernel/resources.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';

describe('slots', () => {
  it('acquire with an already-aborted signal rejects at once with its reason and takes no slot, free or not', async () => {
    const res = new ResourceManager();
    res.addModel(new EchoBackend('m', { concurrency: 1 }).info);
    const gone = new AbortController();
    const why = new Error('killed before asking');
    gone.abort(why);
    await expect(res.acquire('m', gone.signal)).rejects.toBe(why); // a slot is free
    expect(res.inUse('m')).toBe(0);
    const give = await res.acquire('m', new AbortController().signal);
    const late = res.acquire('m', gone.signal); // none is free
    give();
    await expect(late).rejects.toBe(why);
    expect(res.inUse('m')).toBe(0);
  });
});
