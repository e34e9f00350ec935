import { describe, expect, it } from 'vitest';
import { Permissions } from '../../../src/kernel/permissions.js';
import allocBandit from '../../../plugins/alloc-bandit/index.js';
import allocCore from '../../../plugins/alloc-core/index.js';
import kgCore from '../../../plugins/kg-core/index.js';
import kgEmbedded from '../../../plugins/kg-embedded/index.js';
import modelCore from '../../../plugins/model-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

const as = (owner: string) => ({ owner, signal: new AbortController().signal, progress() {} });

/** A kernel where only the stdio session is an admin, as with LLMOS_ADMINS=stdio. */
async function shared() {
  const b = await testKernel({ admins: ['stdio'], inline: [fcfs, echoPlugin([new EchoBackend('echo', {}, 0), new EchoBackend('slow', {}, 200)]), allocBandit, allocCore, modelCore, kgEmbedded, kgCore] });
  const call = (owner: string, name: string, input: unknown) => b.kernel.syscalls.dispatch(name, input, as(owner)) as Promise<any>;
  return { ...b, call };
}

describe('Permissions', () => {
  it('matches owner names exactly or by a prefix ending in *', () => {
    const p = new Permissions(['stdio', 'http:ops*']);
    expect([p.isAdmin('stdio'), p.isAdmin('http:ops-1'), p.isAdmin('http:abc'), p.isAdmin('stdio2')]).toEqual([true, true, false, false]);
    // the default: the local stdio user only; over HTTP nobody unless LLMOS_ADMINS names them
    const dflt = Permissions.fromEnv(undefined);
    expect([dflt.isAdmin('stdio'), dflt.isAdmin('user:bob'), dflt.isAdmin('http:abc'), dflt.isAdmin('sse:abc')]).toEqual([true, false, false, false]);
    expect(dflt.patterns).toEqual(['stdio']);
    expect(Permissions.fromEnv('stdio').isAdmin('http:x')).toBe(false);
    expect(Permissions.fromEnv('  ').isAdmin('stdio')).toBe(true); // blank is unset, not "nobody"
    expect(Permissions.fromEnv('  ').isAdmin('user:bob')).toBe(false);
    expect(Permissions.fromEnv('*').isAdmin('user:bob')).toBe(true); // every session, only when asked for
  });

  it('lets only a process owner or an admin kill, renice or rate it', async () => {
    const { call, stop } = await shared();
    try {
      const mine = await call('http:a', 'proc_spawn', { prompt: 'one two three', model: 'slow' });
      await expect(call('http:b', 'proc_kill', { pid: mine.pid })).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/belongs to "http:a"; only its owner or an admin \(LLMOS_ADMINS\) may kill it/) });
      await expect(call('http:b', 'proc_nice', { pid: mine.pid, priority: 0 })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      // prompts and results are private too
      await expect(call('http:b', 'proc_get', { pid: mine.pid })).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/may read it/) });
      await expect(call('http:b', 'proc_wait', { pid: mine.pid, timeout_ms: 10 })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      await expect(call('http:b', 'proc_list', { owner: 'http:a' })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      expect((await call('http:b', 'proc_list', {})).procs).toEqual([]);
      expect((await call('http:a', 'proc_list', {})).procs.map((p: { pid: number }) => p.pid)).toEqual([mine.pid]);
      expect((await call('stdio', 'proc_get', { pid: mine.pid })).owner).toBe('http:a');
      expect((await call('http:a', 'proc_nice', { pid: mine.pid, priority: 1 })).priority).toBe(1);
      expect((await call('stdio', 'proc_kill', { pid: mine.pid })).pid).toBe(mine.pid);
      const done = await call('http:a', 'proc_spawn', { prompt: 'hi', model: 'echo', wait: true });
      await expect(call('http:b', 'proc_feedback', { pid: done.pid, reward: 0 })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      await expect(call('http:b', 'alloc_explain', { pid: done.pid })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      expect((await call('http:a', 'proc_feedback', { pid: done.pid, reward: 1 })).reward).toBe(1);
      await expect(call('http:a', 'proc_feedback', { pid: done.pid, reward: 1 })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/rated already .* rated once/) });
      await expect(call('http:a', 'proc_nice', { pid: done.pid, priority: 0 })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/has exited/) });
    } finally {
      await stop();
    }
  });

  it('keeps server-wide settings to admins, and says so in sys_info', async () => {
    const { call, kernel, stop } = await shared();
    try {
      await expect(call('http:a', 'alloc_set', { name: 'bandit' })).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/alloc_set needs an admin session, and "http:a" is not one/) });
      await expect(call('http:a', 'model_remove', { id: 'echo' })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      await expect(call('http:a', 'kg_export', { path: '/tmp/anything.jsonl' })).rejects.toMatchObject({ code: 'LLMOS_EPERM' }); // any path the server can write
      await expect(call('http:a', 'kg_import', { path: '/etc/passwd' })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      expect(kernel.models.all().map((m) => m.backend.info.id)).toContain('echo'); // nothing happened
      expect((await call('stdio', 'alloc_set', { name: 'bandit' })).active).toBe('bandit');
      expect((await call('http:a', 'sys_info', {})).you).toEqual({ owner: 'http:a', admin: false });
      expect((await call('stdio', 'sys_info', {})).you).toEqual({ owner: 'stdio', admin: true });
    } finally {
      await stop();
    }
  });

  it('lets a session lower its own budget, but only an admin raise it or set another owner\'s', async () => {
    const { call, stop } = await shared();
    try {
      await call('stdio', 'budget_set', { owner: 'user:a', tokens: 1000, cost_usd: 1 });
      expect((await call('user:a', 'budget_set', { tokens: 500 })).limit).toEqual({ tokens: 500, cost_usd: 1 });
      await expect(call('user:a', 'budget_set', { tokens: 800 })).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/raising or lifting your own budget/) });
      await expect(call('user:a', 'budget_set', { cost_usd: null })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
      await expect(call('user:a', 'budget_set', { owner: 'user:b', tokens: 0 })).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/budget_set for "user:b"/) });
      expect((await call('user:b', 'budget_get', {})).limit).toEqual({ tokens: null, cost_usd: null });
      expect((await call('stdio', 'budget_set', { owner: 'user:a', tokens: null })).limit).toEqual({ tokens: null, cost_usd: 1 });
      // Anonymous sessions share one account: none of them may lower it for the others.
      await expect(call('http:a', 'budget_set', { tokens: 0 })).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/shared "anonymous" account/) });
      expect((await call('http:b', 'budget_get', {})).limit).toEqual({ tokens: null, cost_usd: null });
    } finally {
      await stop();
    }
  });
});
