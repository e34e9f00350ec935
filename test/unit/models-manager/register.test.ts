import { afterEach, describe, expect, it } from 'vitest';
import { bootManager, built, removeDir, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dataDir);
  h = undefined;
});

const echo = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'echo', id, pricing: { input_per_1k: 0.5, output_per_1k: 1 }, ...extra });

describe('model_register', () => {
  it('admits a healthy model, which then serves proc_spawn and shows in model_list', async () => {
    h = await bootManager();
    const rec = await h.call('model_register', echo('dyn-a', { version: '7' }));
    expect(rec).toMatchObject({ id: 'dyn-a', version: '7', kind: 'echo', status: 'ready', backend: 'test-echo-factory' });
    const p = await h.call('proc_spawn', { prompt: 'hello there', model: 'dyn-a', wait: true });
    expect(p).toMatchObject({ exit: 'ok', model: 'dyn-a', result: { text: 'echo: hello there' } });
    expect(p.attempts[0].version).toBe('7');
    const list = await h.call('model_list', { probe: true });
    expect(list.models.map((m: { id: string }) => m.id)).toEqual(['dyn-a']);
    expect(list.models[0].health).toMatchObject({ ok: true });
    expect(list.models[0].pricing).toEqual({ input_per_1k: 0.5, output_per_1k: 1 });
  });

  it('refuses a model whose health probe fails with LLMOS_EUNAVAILABLE and leaves nothing behind', async () => {
    h = await bootManager();
    await expect(h.call('model_register', echo('sick', { healthy: false }))).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: expect.stringContaining('failed its health probe') });
    expect(h.kernel.models.get('sick')).toBeUndefined();
    expect(built.at(-1)!.closed).toBe(true);
    await expect(h.call('proc_spawn', { prompt: 'x', model: 'sick' })).rejects.toMatchObject({ code: 'LLMOS_ENOMODEL' });
  });

  it('names unknown kinds, duplicate ids and secrets in the config', async () => {
    h = await bootManager();
    await expect(h.call('model_register', { kind: 'nope', id: 'x' })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringContaining('"nope"') });
    await h.call('model_register', echo('dup'));
    await expect(h.call('model_register', echo('dup'))).rejects.toMatchObject({ code: 'LLMOS_EEXIST' });
    await expect(h.call('model_register', echo('leaky', { api_key: 'sk-123' }))).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringContaining('api_key_env') });
    await expect(h.call('model_register', echo('bad', { throws: true }))).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: 'bad echo config (test)' });
  });

  it('restores runtime-registered models after a restart, and forgets removed ones', async () => {
    h = await bootManager();
    const dir = h.dataDir;
    await h.call('model_register', echo('keep', { version: '3' }));
    await h.call('model_register', echo('gone'));
    await h.call('model_remove', { id: 'gone' });
    await h.stop();
    h = await bootManager({ dataDir: dir });
    const list = await h.call('model_list', {});
    expect(list.models.map((m: { id: string; version: string }) => `${m.id}@${m.version}`)).toEqual(['keep@3']);
  });

  it('model_health probes one or every model', async () => {
    h = await bootManager();
    await h.call('model_register', echo('m1'));
    await h.call('model_register', echo('m2'));
    const all = await h.call('model_health', {});
    expect(all.models.map((m: { id: string; ok: boolean }) => [m.id, m.ok])).toEqual([['m1', true], ['m2', true]]);
    await expect(h.call('model_health', { id: 'zz' })).rejects.toMatchObject({ code: 'LLMOS_ENOMODEL' });
  });
});
