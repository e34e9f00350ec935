import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { call, callError, connect, testKernel } from '../../helpers/kernel.js';

let env: Awaited<ReturnType<typeof testKernel>>;
let mcp: Awaited<ReturnType<typeof connect>>;

beforeAll(async () => {
  env = await testKernel({ backends: [new EchoBackend('echo'), new EchoBackend('other')] });
  env.kernel.exec.resilience = { ...env.kernel.exec.resilience, retries: 1, backoffBaseMs: 1, backoffMaxMs: 1 };
  mcp = await connect(env.kernel, 'alice');
});
afterAll(async () => {
  await mcp.close();
  await env.stop();
});

const raw = (name: string, args: Record<string, unknown>) => mcp.client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
const record = (pid: number) => env.kernel.procs.must(pid);

describe('a failed process is a tool error, with its record attached', () => {
  it('proc_spawn wait:true on a failing process: isError, text starts with the code, structuredContent is the record', async () => {
    const r = await raw('proc_spawn', { prompt: 'fail: always', model: 'echo', wait: true });
    expect(r.isError).toBe(true);
    const text = (r.content[0] as { text: string }).text;
    expect(text.startsWith('LLMOS_EUPSTREAM: ')).toBe(true);
    const rec = r.structuredContent as { pid: number; exit: string; error: { code: string } };
    expect(rec).toMatchObject({ state: 'exited', exit: 'failed', error: { code: 'LLMOS_EUPSTREAM' } });
    expect(JSON.parse(text.split('\n')[1])).toEqual(rec); // the record also rides in the text, after the first line
    // proc_wait reports it the same way; proc_get only reads it, which succeeded.
    expect((await callError(mcp.client, 'proc_wait', { pid: rec.pid })).code).toBe('LLMOS_EUPSTREAM');
    expect((await call(mcp.client, 'proc_get', { pid: rec.pid })).exit).toBe('failed');
  });

  it('an ok process is no error', async () => {
    const r = await raw('proc_spawn', { prompt: 'hi', model: 'echo', wait: true });
    expect(r.isError).toBeFalsy();
  });

  it('a task that names its model is not told it falls back; it is told what is left to do', async () => {
    const { message } = await callError(mcp.client, 'proc_spawn', { prompt: 'fail: named', model: 'echo', wait: true });
    expect(message).not.toMatch(/fall(ing)? back/);
    expect(message).toMatch(/gave up after 2 attempts on model echo: retry later, or spawn with model "auto"/);
  });
});

describe('every stop records its real cause', () => {
  it('proc_kill records who killed it', async () => {
    const p = await call(mcp.client, 'proc_spawn', { prompt: 'hang', model: 'echo' });
    await expect.poll(() => record(p.pid).state).toBe('running');
    await call(mcp.client, 'proc_kill', { pid: p.pid });
    const { code, message } = await callError(mcp.client, 'proc_wait', { pid: p.pid });
    expect(code).toBe('LLMOS_EKILLED');
    expect(message).toContain('killed by proc_kill from "alice"');
    expect(record(p.pid).error?.data).toMatchObject({ cause: 'kill', by: 'alice' });
  });

  it('a client cancel of a wait:true spawn is recorded as a cancel, not as proc_kill', async () => {
    const ac = new AbortController();
    const before = env.kernel.procs.lastPid;
    const pending = mcp.client.callTool({ name: 'proc_spawn', arguments: { prompt: 'hang', model: 'echo', wait: true } }, undefined, { signal: ac.signal });
    await expect.poll(() => env.kernel.procs.get(before + 1)?.state).toBe('running');
    ac.abort('user pressed stop');
    await expect(pending).rejects.toThrow();
    await expect.poll(() => record(before + 1).exit).toBe('killed');
    expect(record(before + 1).error?.message).toContain('cancelled by the client');
    expect(record(before + 1).error?.message).not.toContain('proc_kill');
    expect(record(before + 1).error?.data).toMatchObject({ cause: 'cancel' });
  });

  it('a client that disconnects during a wait:true spawn is recorded as a disconnect', async () => {
    const bob = await connect(env.kernel, 'bob');
    const before = env.kernel.procs.lastPid;
    const pending = bob.client.callTool({ name: 'proc_spawn', arguments: { prompt: 'hang', model: 'echo', wait: true } });
    await expect.poll(() => env.kernel.procs.get(before + 1)?.state).toBe('running');
    await bob.close();
    await pending.catch(() => undefined);
    await expect.poll(() => record(before + 1).exit).toBe('killed');
    expect(record(before + 1).error?.data).toMatchObject({ cause: 'disconnect' });
    expect(record(before + 1).error?.message).toContain('disconnected');
  });

  it('a deadline records cause deadline', async () => {
    const { code } = await callError(mcp.client, 'proc_spawn', { prompt: 'hang', model: 'echo', wait: true, deadline_ms: Date.now() + 50 });
    expect(code).toBe('LLMOS_ETIMEDOUT');
    const last = env.kernel.procs.lastPid;
    expect(record(last)).toMatchObject({ exit: 'timeout', error: { data: { cause: 'deadline' } } });
  });
});

describe('numbers are printed as numbers', () => {
  it('a budget error prints tokens as whole numbers and money in dollars', async () => {
    await env.kernel.res.setBudget('carol', { tokens: 5 });
    const carol = await connect(env.kernel, 'carol');
    const { code, message } = await callError(carol.client, 'proc_spawn', { prompt: 'a prompt that is long enough', model: 'echo', wait: true });
    await carol.close();
    expect(code).toBe('LLMOS_EBUDGET');
    const line = message.split('\n')[0];
    expect(line).toMatch(/tokens budget of 5 \(spent 0, in flight 0, this call up to \d+\)/);
    expect(line).not.toMatch(/\d\.\d{6}/);
  });
});

describe('formatSpend', () => {
  it('prints tokens whole and money to three significant digits', async () => {
    const { formatSpend } = await import('../../../src/kernel/resources.js');
    expect(formatSpend('tokens', 204)).toBe('204');
    expect(formatSpend('cost_usd', 0.000523)).toBe('$0.000523');
    expect(formatSpend('cost_usd', 0.1234567)).toBe('$0.123');
    expect(formatSpend('cost_usd', 12.5)).toBe('$12.50');
  });
});
