import { ProgressNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { call, connect, testKernel } from '../../helpers/kernel.js';

let env: Awaited<ReturnType<typeof testKernel>>;
let mcp: Awaited<ReturnType<typeof connect>>;

beforeAll(async () => {
  env = await testKernel({ backends: [new EchoBackend('echo', {}, 5)] });
  mcp = await connect(env.kernel, 'carol');
});
afterAll(async () => {
  await mcp.close();
  await env.stop();
});

const readJson = async (uri: string) => JSON.parse(((await mcp.client.readResource({ uri })).contents[0] as { text: string }).text);

describe('resources', () => {
  it('lists llmos://sys, llmos://proc, llmos://plugins and the proc template', async () => {
    const { resources } = await mcp.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(['llmos://sys', 'llmos://proc', 'llmos://plugins']));
    const { resourceTemplates } = await mcp.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('llmos://proc/{pid}');
  });

  it('reads the tables as JSON', async () => {
    expect((await readJson('llmos://sys')).name).toBe('llmos');
    expect((await readJson('llmos://plugins')).plugins.map((p: { name: string }) => p.name)).toContain('sched-fcfs');
    const p = await call(mcp.client, 'proc_spawn', { prompt: 'hi', wait: true });
    expect(await readJson(`llmos://proc/${p.pid}`)).toMatchObject({ pid: p.pid, exit: 'ok' });
    expect((await readJson('llmos://proc')).procs.some((q: { pid: number }) => q.pid === p.pid)).toBe(true);
  });

  it('an unknown pid is a coded resource error', async () => {
    await expect(mcp.client.readResource({ uri: 'llmos://proc/424242' })).rejects.toThrow(/LLMOS_ENOPROC/);
  });

  it('completes pids in the template', async () => {
    const p = await call(mcp.client, 'proc_spawn', { prompt: 'complete me', wait: true });
    const r = await mcp.client.complete({ ref: { type: 'ref/resource', uri: 'llmos://proc/{pid}' }, argument: { name: 'pid', value: String(p.pid) } });
    expect(r.completion.values).toContain(String(p.pid));
  });

  it('notifies subscribers when a process changes state', async () => {
    const updates: string[] = [];
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    const p = await call(mcp.client, 'proc_spawn', { prompt: 'watch me please', model: 'echo' });
    await mcp.client.subscribeResource({ uri: `llmos://proc/${p.pid}` });
    await call(mcp.client, 'proc_wait', { pid: p.pid });
    await new Promise((r) => setTimeout(r, 20));
    expect(updates.filter((u) => u === `llmos://proc/${p.pid}`).length).toBeGreaterThanOrEqual(1);
    await mcp.client.unsubscribeResource({ uri: `llmos://proc/${p.pid}` });
  });
});

describe('progress and cancellation', () => {
  it('a waiting proc_spawn reports state changes and streamed tokens', async () => {
    const seen: Array<{ progress: number; total?: number; message?: string }> = [];
    const r = await mcp.client.callTool(
      { name: 'proc_spawn', arguments: { prompt: 'one two three four five', wait: true } },
      undefined,
      { onprogress: (p) => void seen.push(p) },
    );
    expect(r.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.map((s) => s.message).join('\n')).toMatch(/running/);
    expect(seen.map((s) => s.message).join('\n')).toMatch(/tokens streamed/);
    const progress = seen.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('cancelling the request kills the process', async () => {
    const ac = new AbortController();
    const pending = mcp.client.callTool({ name: 'proc_spawn', arguments: { prompt: 'hang until cancelled', wait: true } }, undefined, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    const running = [...env.kernel.procs.scan()].find((p) => p.task.prompt === 'hang until cancelled')!;
    expect(running.state).not.toBe('exited');
    ac.abort('user changed their mind');
    await expect(pending).rejects.toThrow();
    await env.kernel.procs.wait(running.pid, 2000);
    expect(running.exit).toBe('killed');
  });

  it('progress notifications are only sent when a token was given', async () => {
    let count = 0;
    mcp.client.setNotificationHandler(ProgressNotificationSchema, () => void count++);
    await call(mcp.client, 'proc_spawn', { prompt: 'quiet please', wait: true });
    expect(count).toBe(0);
  });
});
