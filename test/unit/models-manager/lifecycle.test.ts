import { afterEach, describe, expect, it } from 'vitest';
import { bootManager, built, removeDir, until, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dataDir);
  h = undefined;
});

const spawn = (id: string, prompt: string, model: string) => h!.kernel.spawn({ prompt, model } as never, 'tester');
const running = (pids: number[]) => pids.filter((pid) => h!.kernel.procs.get(pid)?.state === 'running');

describe('model_update', () => {
  it('lets running processes finish on the old version while new ones use the new one, dropping none', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'live', version: '1', delay_ms: 25, concurrency: 2 });
    const v1 = built.at(-1)!;
    const pids = Array.from({ length: 6 }, (_, i) => spawn('live', `job ${i} a b c d`, 'live').pid);
    await until(h.kernel, () => running(pids).length === 2);
    const onOld = running(pids);

    const upd = await h.call('model_update', { id: 'live', version: '2' });
    const v2 = built.at(-1)!;
    expect(upd).toMatchObject({ id: 'live', version: '2', previous_version: '1' });
    expect(upd.load.retiring_versions).toEqual([{ version: '1', inflight: 2 }]);
    expect(v1.closed).toBe(false); // still serving the two calls in flight

    const done = await Promise.all(pids.map((pid) => h!.kernel.procs.wait(pid, 10_000)));
    expect(done.map((p) => p.exit)).toEqual(Array(6).fill('ok'));
    for (const p of done) expect(p.attempts.map((a) => a.version)).toEqual([onOld.includes(p.pid) ? '1' : '2']);
    expect([v1.calls, v2.calls]).toEqual([2, 4]);
    expect(v1.closed).toBe(true); // closed after its last call
    expect(v2.closed).toBe(false);
    expect((await h.call('model_list', {})).models[0].load.retiring_versions).toEqual([]);
  });

  it('keeps the old version when the new one fails its probe', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'stay', version: '1' });
    await expect(h.call('model_update', { id: 'stay', version: '2', healthy: false })).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE' });
    expect(h.kernel.models.must('stay').backend.info.version).toBe('1');
  });
});

describe('model_remove', () => {
  it('drains: no new allocations, in-flight processes finish, then the model is gone', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'old', delay_ms: 25, concurrency: 2 });
    const old = built.at(-1)!;
    await h.call('model_register', { kind: 'echo', id: 'other' });
    const inflight = [spawn('old', 'one a b c d', 'old').pid, spawn('old', 'two a b c d', 'old').pid];
    await until(h.kernel, () => running(inflight).length === 2);

    const removing = h.call('model_remove', { id: 'old', timeout_ms: 10_000 });
    expect(h.kernel.models.must('old').status).toBe('draining');
    // a process pinned to the draining model is refused before it is accepted
    await expect(h.call('proc_spawn', { prompt: 'pinned', model: 'old', wait: true })).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: expect.stringContaining('draining') });
    const auto = await h.call('proc_spawn', { prompt: 'elsewhere', wait: true, metadata: { prefer: 'old' } });
    expect(auto).toMatchObject({ exit: 'ok', model: 'other' }); // the allocator never sees the draining model

    expect(await removing).toEqual({ id: 'old', removed: true, status: 'removed', inflight: 0, killed: [] });
    const procs = inflight.map((pid) => h!.kernel.procs.must(pid));
    expect(procs.map((p) => p.exit)).toEqual(['ok', 'ok']);
    expect(h.kernel.models.get('old')).toBeUndefined();
    expect(old.closed).toBe(true);
  });

  it('answers "draining" when timeout_ms passes first, and still removes once idle', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'slow', delay_ms: 30 });
    const pid = spawn('slow', 'a b c d e f', 'slow').pid;
    await until(h.kernel, () => running([pid]).length === 1);
    expect(await h.call('model_remove', { id: 'slow', timeout_ms: 1 })).toMatchObject({ removed: false, status: 'draining', inflight: 1 });
    await h.kernel.procs.wait(pid, 10_000);
    expect(h.kernel.procs.must(pid).exit).toBe('ok');
    await new Promise((r) => setImmediate(r));
    expect(h.kernel.models.get('slow')).toBeUndefined();
  });

  it('force kills the processes on the model and removes it at once', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'stuck', concurrency: 2 });
    const pids = [spawn('stuck', 'hang 1', 'stuck').pid, spawn('stuck', 'hang 2', 'stuck').pid, spawn('stuck', 'queued', 'stuck').pid];
    await until(h.kernel, () => running(pids).length === 2);
    const out = await h.call('model_remove', { id: 'stuck', force: true });
    expect(out).toMatchObject({ removed: true, status: 'removed' });
    expect([...out.killed].sort()).toEqual(pids);
    const exits = await Promise.all(pids.map((pid) => h!.kernel.procs.wait(pid, 5000)));
    expect(exits.map((p) => [p.exit, p.error?.code])).toEqual(Array(3).fill(['killed', 'LLMOS_EKILLED']));
    expect(exits[0].error?.message).toContain('removed with force');
    expect(h.kernel.models.get('stuck')).toBeUndefined();
  });
});
