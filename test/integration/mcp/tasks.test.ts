import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { call, tempDir } from '../../helpers/kernel.js';
import { createTask, freePort, httpClient, httpServer, killHard, pollToEnd, stdioClient, taskConfig, taskResult } from './task-servers.js';

const PROMPT = 'What is 2 + 3? Reply with the number only.';
const LONG = { prompt: 'Write a very long story about a dragon who learns to sail, with many chapters.', max_tokens: 2000, temperature: 0 };
const text = (r: { content: unknown }) => (r.content as Array<{ text: string }>)[0].text;

/**
 * MCP Tasks over the real server processes (stdio and Streamable HTTP), on
 * the real SmolLM2 GGUF: a task is a process, polled, cancelled, and read
 * after a restart through the journal; another user's task is invisible.
 */
describe('MCP Tasks: processes as tasks, with the SDK client', { timeout: 240_000 }, () => { // the in-process model on a loaded 2-core machine
  const pids: number[] = [];
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    killHard(pids);
  });

  it('stdio: task tools say taskSupport optional; a task-augmented proc_spawn polls to completed and its result equals the plain call', async () => {
    const s = await stdioClient(taskConfig(inject('modelPath')), tempDir());
    pids.push(s.pid);
    clients.push(s.client);
    const { tools } = await s.client.listTools();
    const support = Object.fromEntries(tools.map((t) => [t.name, t.execution?.taskSupport]));
    expect(support).toMatchObject({ proc_spawn: 'optional', collab_ensemble: 'optional', collab_chain: 'optional', collab_debate: 'optional', model_eval: 'optional' });
    expect(support.proc_list).toBeUndefined();

    const plain = await call(s.client, 'proc_spawn', { prompt: PROMPT, max_tokens: 8, temperature: 0, wait: true });
    const task = await createTask(s.client, 'proc_spawn', { prompt: PROMPT, max_tokens: 8, temperature: 0 });
    expect(task).toMatchObject({ taskId: expect.stringMatching(/^\d+$/), status: 'working', ttl: null, pollInterval: expect.any(Number) });
    const rec = await call(s.client, 'proc_get', { pid: Number(task.taskId) }); // the task id is the pid
    expect(rec.owner).toBe('stdio');
    expect(await pollToEnd(s.client, task.taskId)).toEqual(expect.arrayContaining(['completed']));
    const result = await taskResult(s.client, task.taskId);
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as Record<string, any>;
    expect(out).toMatchObject({ pid: Number(task.taskId), state: 'exited', exit: 'ok', owner: 'stdio' });
    expect(out.result.text).toBe(plain.result.text); // greedy decoding: the same answer as the plain call
    expect(Object.keys(out).sort()).toEqual(Object.keys(plain).sort());

    const refused = await createTask(s.client, 'proc_list', {}).catch((e: Error) => e);
    expect(String(refused)).toMatch(/LLMOS_EINVAL: proc_list does not run as a task/);
    const bad = await createTask(s.client, 'proc_spawn', { prompt: PROMPT, max_tokens: -1 }).catch((e: Error) => e);
    expect(String(bad)).toMatch(/LLMOS_EINVAL: invalid input to proc_spawn/);
    expect((await call(s.client, 'sys_info')).name).toBe('llmos'); // still serving
  });

  it('stdio: tasks/cancel kills the running process with cause "cancel"; tasks/result reports the kill', async () => {
    const s = await stdioClient(taskConfig(inject('modelPath')), tempDir());
    pids.push(s.pid);
    clients.push(s.client);
    const task = await createTask(s.client, 'proc_spawn', LONG);
    const pid = Number(task.taskId);
    await expect.poll(async () => (await call(s.client, 'proc_get', { pid })).state, { timeout: 60_000 }).toBe('running');
    const cancelled = await s.client.experimental.tasks.cancelTask(task.taskId);
    expect(cancelled.status).toBe('cancelled');
    const result = await taskResult(s.client, task.taskId);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^LLMOS_EKILLED: process \d+ was killed: its client cancelled the task/);
    const rec = await call(s.client, 'proc_get', { pid });
    expect(rec).toMatchObject({ state: 'exited', exit: 'killed', error: { code: 'LLMOS_EKILLED', data: { cause: 'cancel', by: 'stdio' } } });
    expect((await s.client.experimental.tasks.getTask(task.taskId)).status).toBe('cancelled');
    const again = await s.client.experimental.tasks.cancelTask(task.taskId).catch((e: Error) => e);
    expect(String(again)).toMatch(/Cannot cancel task in terminal status: cancelled/);
  });

  it('stdio: refused before any process exists: bad input, a syscall the policy forbids, and more live task calls than LLMOS_MAX_LIVE_TASKS', async () => {
    const policy = { stdio: { syscalls: ['proc_*', 'model_*', 'collab_ensemble', 'sys_info'] } };
    const s = await stdioClient(taskConfig(inject('modelPath'), { policy }), tempDir(), {}, { LLMOS_MAX_LIVE_TASKS: '2', LLMOS_ADMINS: 'user:root' }); // stdio is no admin here, so its policy binds
    pids.push(s.pid);
    clients.push(s.client);
    const procs = async () => (await call(s.client, 'proc_list', { limit: 1000 })).procs.length;
    expect(String(await createTask(s.client, 'collab_ensemble', { k: 2 }).catch((e: Error) => e))).toMatch(/LLMOS_EINVAL: invalid input to collab_ensemble/);
    expect(String(await createTask(s.client, 'collab_debate', { prompt: PROMPT }).catch((e: Error) => e))).toMatch(/LLMOS_EPERM: your policy does not allow collab_debate/);
    expect(await procs()).toBe(0);
    const item = [{ prompt: LONG.prompt, expected: 'dragon', scorer: 'contains' }];
    const evals = [await createTask(s.client, 'model_eval', { model: 'smollm2-135m', items: item, max_tokens: 2000 }), await createTask(s.client, 'model_eval', { model: 'smollm2-135m', items: item, max_tokens: 2000 })];
    const third = await createTask(s.client, 'model_eval', { model: 'smollm2-135m', items: item }).catch((e: Error) => e);
    expect(String(third)).toMatch(/LLMOS_EQUEUEFULL: "stdio" has 2 tool calls running as tasks/);
    for (const t of evals) expect((await s.client.experimental.tasks.cancelTask(t.taskId)).status).toBe('cancelled');
    for (const t of evals) expect(await call(s.client, 'proc_get', { pid: Number(t.taskId) })).toMatchObject({ kind: 'group', exit: 'killed', error: { data: { cause: 'cancel' } } });
    const next = await createTask(s.client, 'model_eval', { model: 'smollm2-135m', items: [{ prompt: PROMPT, expected: '5', scorer: 'contains' }], max_tokens: 8 });
    expect(await pollToEnd(s.client, next.taskId)).toContain('completed'); // room again once the cancelled ones ended
  });

  it('stdio: a server restart between create and result loses nothing: the journal brings back both tasks', async () => {
    const config = taskConfig(inject('modelPath'));
    const dataDir = tempDir('llmos-tasks-restart-');
    const a = await stdioClient(config, dataDir);
    pids.push(a.pid);
    const ensemble = await createTask(a.client, 'collab_ensemble', { prompt: PROMPT, k: 2, temperature: 0, seed: 1, max_tokens: 8 });
    expect(await pollToEnd(a.client, ensemble.taskId)).toContain('completed');
    const before = await taskResult(a.client, ensemble.taskId);
    expect((before.structuredContent as any).collab.children).toHaveLength(2);
    const spawned = await createTask(a.client, 'proc_spawn', { prompt: PROMPT, max_tokens: 48, temperature: 0 });
    process.kill(a.pid, 'SIGTERM');
    await a.closed;

    const b = await stdioClient(config, dataDir);
    pids.push(b.pid);
    clients.push(b.client);
    expect(await pollToEnd(b.client, spawned.taskId)).toContain('completed');
    const after = await taskResult(b.client, spawned.taskId);
    expect(after.structuredContent).toMatchObject({ pid: Number(spawned.taskId), exit: 'ok', result: { text: expect.any(String) } });
    expect(await taskResult(b.client, ensemble.taskId)).toEqual(before);
    const { tasks } = await b.client.experimental.tasks.listTasks();
    expect(tasks.map((t) => t.taskId)).toEqual(expect.arrayContaining([ensemble.taskId, spawned.taskId]));
  });

  it('Streamable HTTP: callToolStream polls model_eval to its report; another user cannot see, read or cancel the task', async () => {
    const port = await freePort();
    const child = await httpServer(taskConfig(inject('modelPath')), tempDir(), port, 'alice:alice-token-1,bob:bob-token-22');
    pids.push(child.pid!);
    const alice = await httpClient(port, 'alice-token-1');
    const bob = await httpClient(port, 'bob-token-22');
    clients.push(alice, bob);
    const items = [{ prompt: PROMPT, expected: '5', scorer: 'contains' }];
    const kinds: string[] = [];
    let final: any;
    for await (const m of alice.experimental.tasks.callToolStream({ name: 'model_eval', arguments: { model: 'smollm2-135m', items, max_tokens: 8 } }, undefined, { task: { ttl: 600_000 } })) {
      kinds.push(m.type);
      if (m.type === 'result') final = m.result;
      if (m.type === 'error') throw m.error;
    }
    expect(kinds[0]).toBe('taskCreated');
    expect(kinds.at(-1)).toBe('result');
    expect(final.isError).toBeFalsy();
    expect(final.structuredContent).toMatchObject({ model: 'smollm2-135m', n: 1, items: [expect.objectContaining({ index: 0 })] });

    const mine = await createTask(alice, 'proc_spawn', LONG);
    const asBob = await bob.experimental.tasks.getTask(mine.taskId).catch((e: Error) => e);
    const unknown = await bob.experimental.tasks.getTask('987654').catch((e: Error) => e);
    expect(String(asBob)).toMatch(/Task not found/);
    expect(String(asBob)).toBe(String(unknown)); // a foreign task looks exactly like one that does not exist
    expect(String(await taskResult(bob, mine.taskId).catch((e: Error) => e))).toBe(String(await taskResult(bob, '987654').catch((e: Error) => e)).replace('987654', mine.taskId));
    expect(String(await bob.experimental.tasks.cancelTask(mine.taskId).catch((e: Error) => e))).toMatch(/Task not found/);
    expect((await bob.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).not.toContain(mine.taskId);
    expect((await alice.experimental.tasks.getTask(mine.taskId)).status).toBe('working'); // bob's cancel did nothing
    expect((await alice.experimental.tasks.cancelTask(mine.taskId)).status).toBe('cancelled');
  });
});
