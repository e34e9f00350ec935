import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { call, callError, callRecord, connect, testKernel } from '../../helpers/kernel.js';

let env: Awaited<ReturnType<typeof testKernel>>;
let mcp: Awaited<ReturnType<typeof connect>>;
const slow = new EchoBackend('slow', { concurrency: 1 }, 30);

beforeAll(async () => {
  env = await testKernel({ backends: [new EchoBackend('echo'), slow] });
  mcp = await connect(env.kernel, 'alice');
});
afterAll(async () => {
  await mcp.close();
  await env.stop();
});

describe('proc_* syscalls over MCP', () => {
  it('lists every syscall as a tool with schemas and the right annotations', async () => {
    const { tools } = await mcp.client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const n of ['proc_spawn', 'proc_wait', 'proc_kill', 'proc_list', 'proc_get', 'proc_nice', 'sys_info']) expect(byName[n], n).toBeDefined();
    expect(byName.proc_get.annotations?.readOnlyHint).toBe(true);
    expect(byName.proc_kill.annotations?.destructiveHint).toBe(true);
    expect(byName.proc_spawn.inputSchema.properties).toHaveProperty('prompt');
    expect(byName.proc_spawn.outputSchema?.properties).toHaveProperty('usage');
    expect(byName.proc_spawn.title).toBe('Spawn a process');
  });

  it('proc_spawn returns a pid at once, and with wait:true the finished record', async () => {
    const quick = await call(mcp.client, 'proc_spawn', { prompt: 'hello there', model: 'echo' });
    expect(quick.pid).toBeGreaterThan(0);
    expect(['ready', 'running', 'blocked', 'exited']).toContain(quick.state);
    const done = await call(mcp.client, 'proc_spawn', { prompt: 'good morning', wait: true, model: 'echo' });
    expect(done).toMatchObject({ state: 'exited', exit: 'ok', model: 'echo', owner: 'alice', result: { text: 'echo: good morning' } });
    expect(done.usage.completion_tokens).toBe(3);
    expect(done.usage.prompt_tokens).toBeGreaterThan(0);
    expect(done.usage.cost_usd).toBeGreaterThan(0);
    expect(done.attempts).toHaveLength(1);
    const again = await call(mcp.client, 'proc_wait', { pid: quick.pid });
    expect(again.exit).toBe('ok');
    expect(await call(mcp.client, 'proc_get', { pid: done.pid })).toEqual(done);
  });

  it('proc_kill aborts the in-flight model call', async () => {
    const p = await call(mcp.client, 'proc_spawn', { prompt: 'hang forever', model: 'slow' });
    await env.kernel.procs.wait(p.pid, 50).catch(() => undefined);
    const killed = await call(mcp.client, 'proc_kill', { pid: p.pid });
    expect(killed.pid).toBe(p.pid);
    const rec = await callRecord(mcp.client, 'proc_wait', { pid: p.pid, timeout_ms: 2000 });
    expect(rec.exit).toBe('killed');
    expect(rec.error.code).toBe('LLMOS_EKILLED');
    expect(slow.info.concurrency - env.kernel.res.inUse('slow')).toBe(1); // slot given back
  });

  it('proc_list filters by state and owner and pages with a cursor', async () => {
    const other = await connect(env.kernel, 'bob');
    for (let i = 0; i < 5; i++) await call(other.client, 'proc_spawn', { prompt: `b${i}`, model: 'echo', wait: true });
    const page1 = await call(mcp.client, 'proc_list', { owner: 'bob', limit: 3 });
    expect(page1.procs).toHaveLength(3);
    expect(page1.procs.every((p: { owner: string }) => p.owner === 'bob')).toBe(true);
    const page2 = await call(mcp.client, 'proc_list', { owner: 'bob', limit: 3, cursor: page1.next_cursor });
    expect(page2.procs).toHaveLength(2);
    expect(page2.next_cursor).toBeNull();
    const mine = await call(other.client, 'proc_list', { owner: 'self', state: 'exited' });
    expect(mine.procs.length).toBe(5);
    await other.close();
  });

  it('proc_nice changes the priority', async () => {
    const p = await call(mcp.client, 'proc_spawn', { prompt: 'x', model: 'echo', priority: 7 });
    const r = await call(mcp.client, 'proc_nice', { pid: p.pid, priority: 1 });
    expect(r.priority).toBe(1);
  });

  it('sys_info reports version, plugins, transports and counts', async () => {
    const info = await call(mcp.client, 'sys_info');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.plugins.map((p: { name: string }) => p.name)).toEqual(['sched-fcfs', 'test-echo']);
    expect(info.plugins[0].provides).toEqual(['scheduler']);
    expect(info.scheduler).toBe('fcfs');
    expect(info.counts.procs.exited).toBeGreaterThan(0);
    expect(info.uptime_ms).toBeGreaterThanOrEqual(0);
  });
});

/** {a: {a: … {}}} `depth` levels deep. */
const nested = (depth: number) => {
  let v: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

describe('bad input gets a coded error and the server keeps serving', () => {
  it.each([
    ['unknown tool', 'proc_frobnicate', {}, 'LLMOS_ENOSYS'],
    ['wrong type', 'proc_get', { pid: 'seven' }, 'LLMOS_EINVAL'],
    ['missing prompt', 'proc_spawn', {}, 'LLMOS_EINVAL'],
    ['both prompt and messages', 'proc_spawn', { prompt: 'a', messages: [{ role: 'user', content: 'b' }] }, 'LLMOS_EINVAL'],
    ['over the size limit', 'proc_spawn', { prompt: 'x'.repeat(1024 * 1024 + 10) }, 'LLMOS_ETOOBIG'],
    ['kill of an unknown pid', 'proc_kill', { pid: 999_999 }, 'LLMOS_ENOPROC'],
    ['unknown model', 'proc_spawn', { prompt: 'a', model: 'nope' }, 'LLMOS_ENOMODEL'],
    ['JSON nested 5,000 deep', 'proc_spawn', { prompt: 'a', metadata: { deep: nested(5000) } }, 'LLMOS_EINVAL'],
    ['a lone surrogate in a string', 'proc_spawn', { prompt: 'bad \ud800 text' }, 'LLMOS_EINVAL'],
    ['a lone surrogate in a key', 'proc_spawn', { prompt: 'a', metadata: { 'k\udc00': 1 } }, 'LLMOS_EINVAL'],
  ])('%s', async (_what, tool, args, code) => {
    const err = await callError(mcp.client, tool, args);
    expect(err.code).toBe(code);
    expect(err.message.length).toBeGreaterThan(20);
    expect((await call(mcp.client, 'sys_info')).name).toBe('llmos');
  });

  it('a wait past its timeout', async () => {
    const p = await call(mcp.client, 'proc_spawn', { prompt: 'hang on', model: 'slow' });
    const err = await callError(mcp.client, 'proc_wait', { pid: p.pid, timeout_ms: 20 });
    expect(err.code).toBe('LLMOS_ETIMEDOUT');
    expect((await call(mcp.client, 'proc_get', { pid: p.pid })).state).not.toBe('exited'); // the process lives on
    await call(mcp.client, 'proc_kill', { pid: p.pid });
  });

  it('names the failing field', async () => {
    const err = await callError(mcp.client, 'proc_nice', { pid: 1, priority: 42 });
    expect(err.message).toContain('priority');
  });
});
