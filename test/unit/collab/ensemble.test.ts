import { describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { ScriptedBackend, type ScriptedReply } from '../../fixtures/scripted-backend.js';
import { callError } from '../../helpers/kernel.js';
import { childUsage, useCollabKernel } from './collab-kernel.js';

/** A model that always says `text` after `delayMs`. */
const says = (id: string, text: string, delayMs = 1) => new ScriptedBackend(id, () => ({ text, delayMs }));
const judge = (reply: (prompt: string) => ScriptedReply) => new ScriptedBackend('judge', (p) => reply(p));

const start = useCollabKernel();

describe('collab_ensemble', () => {
  it('majority vote over normalized answers; the group parents its members and sums their usage', async () => {
    const { kernel, call } = await start([says('a', 'I am sure. Answer: B'), says('b', 'the answer is b.'), says('c', 'A')]);
    const out = await call('collab_ensemble', { prompt: 'Pick A or B', models: ['a', 'b', 'c'], max_tokens: 16 });
    expect(out.kind).toBe('group');
    expect(out.exit).toBe('ok');
    expect(out.result.text).toBe('I am sure. Answer: B');
    expect(out.collab.fusion).toMatchObject({ method: 'vote', winner: 'b', tie: false });
    expect(out.collab.fusion.votes.map((v: any) => [v.key, v.count])).toEqual([['b', 2], ['a', 1]]);
    expect(out.children).toHaveLength(3);
    expect(out.collab.children.map((c: any) => [c.role, c.model, c.key])).toEqual([['member', 'a', 'b'], ['member', 'b', 'b'], ['member', 'c', 'a']]);
    for (const pid of out.children) expect(kernel.procs.must(pid).ppid).toBe(out.pid);
    const sum = childUsage(kernel, out.children);
    expect(out.usage.completion_tokens).toBe(sum.completion_tokens);
    expect(out.usage.prompt_tokens).toBe(sum.prompt_tokens);
    expect(out.usage.cost_usd).toBeCloseTo(sum.cost_usd, 12);
    expect(out.usage.cost_usd).toBeGreaterThan(0);
    expect(out.task.metadata.collab).toBeUndefined(); // lifted out to `collab`
  });

  it('without a model list, takes the k models the allocator ranks highest (distinct while there are enough)', async () => {
    const { call } = await start([says('m1', '1'), says('m2', '2'), says('m3', '2'), says('m4', '4')]);
    const out = await call('collab_ensemble', { prompt: 'a number', k: 3 });
    expect(out.collab.members).toEqual(['m1', 'm2', 'm3']);
    expect(out.collab.allocation).toMatchObject({ allocator: 'first', ranked: ['m1', 'm2', 'm3', 'm4'] });
    expect(out.result.text).toBe('2');
    const few = await call('collab_ensemble', { prompt: 'a number', k: 6, seed: 7 });
    expect(few.collab.members).toEqual(['m1', 'm2', 'm3', 'm4', 'm1', 'm2']);
  });

  it('refuses a seed outside uint32 before spawning anything (member i gets seed + i, which must stay an integer)', async () => {
    const { kernel, client } = await start([says('a', 'A'), says('b', 'B')]);
    const before = kernel.procs.lastPid;
    for (const seed of [Number.MAX_SAFE_INTEGER, -1, 2 ** 32]) {
      expect((await callError(client, 'collab_ensemble', { prompt: 'x', models: ['a', 'b'], seed })).code).toBe('LLMOS_EINVAL');
    }
    expect(kernel.procs.lastPid).toBe(before);
  });

  it('judge-select: the judge sees every answer, picks one and its rationale is kept', async () => {
    const j = judge(() => '**Best**: 2\nRationale: it names the capital.');
    const { call } = await start([says('a', 'Lyon'), says('b', 'Paris is the capital'), j]);
    const out = await call('collab_ensemble', { prompt: 'Capital of France?', models: ['a', 'b'], fusion: 'judge', judge_model: 'judge' });
    expect(out.result.text).toBe('Paris is the capital');
    expect(out.collab.fusion).toMatchObject({ method: 'judge', chosen_index: 1, rationale: 'it names the capital.', parsed_by: 'best-line', judge_model: 'judge' });
    expect(j.prompts[0]).toContain('Answer 1:\nLyon');
    expect(j.prompts[0]).toContain('Answer 2:\nParis is the capital');
    expect(out.collab.children.map((c: any) => c.role)).toEqual(['member', 'member', 'judge']);
  });

  it('falls back to the vote when the judge names no answer', async () => {
    const { call } = await start([says('a', 'x'), says('b', 'y'), says('c', 'y'), judge(() => 'They are all good.')]);
    const out = await call('collab_ensemble', { prompt: 'q', models: ['a', 'b', 'c'], fusion: 'judge', judge_model: 'judge' });
    expect(out.result.text).toBe('y');
    expect(out.collab.fusion).toMatchObject({ method: 'vote', fallback_from: 'judge' });
  });

  it('synthesize: a model merges the answers into the result', async () => {
    const s = judge((p) => (p.includes('Answer 2:') ? 'merged answer' : 'unexpected'));
    const { call } = await start([says('a', 'part one'), says('b', 'part two'), s]);
    const out = await call('collab_ensemble', { prompt: 'q', models: ['a', 'b'], fusion: 'synthesize', judge_model: 'judge' });
    expect(out.result.text).toBe('merged answer');
    expect(out.collab.fusion.method).toBe('synthesize');
  });

  it('quorum stops early: the slow member is killed, no judge runs, and the saving is counted', async () => {
    const j = judge(() => 'Best: 1');
    const { kernel, call } = await start([says('a', 'Answer: 42', 1), says('b', '42', 5), says('slow', '41', 60_000), j]);
    const t0 = Date.now();
    const out = await call('collab_ensemble', { prompt: 'q', models: ['a', 'b', 'slow'], quorum: 2, fusion: 'judge', judge_model: 'judge' });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(out.exit).toBe('ok');
    expect(out.result.text).toBe('Answer: 42');
    const slow = out.collab.children.find((c: any) => c.model === 'slow' || c.requested_model === 'slow');
    expect(slow.exit).toBe('killed');
    expect(out.collab.early_stop).toMatchObject({ quorum: 2, after_members: 2, killed: [slow.pid], skipped_fusion_call: true });
    expect(out.collab.early_stop.est_saved_usd).toBeGreaterThan(0);
    expect(out.collab.fusion.method).toBe('quorum');
    expect(j.prompts).toHaveLength(0);
    expect(out.usage.cost_usd).toBeCloseTo(childUsage(kernel, out.children).cost_usd, 12);
  });

  it('wait:false returns the running group at once; proc_wait on it returns the fused answer and the detail', async () => {
    const { call } = await start([says('a', 'yes', 30), says('b', 'yes', 30)]);
    const started = await call('collab_ensemble', { prompt: 'q', models: ['a', 'b'], wait: false });
    expect(started).toMatchObject({ kind: 'group', state: 'running', exit: null });
    const done = await call('proc_wait', { pid: started.pid, timeout_ms: 5_000 });
    expect(done.exit).toBe('ok');
    expect(done.result.text).toBe('yes');
    expect(done.task.metadata.collab.fusion).toMatchObject({ method: 'vote', winner: 'yes' });
    expect(done.task.metadata.collab.children).toHaveLength(2);
  });

  it('proc_kill on the group kills its members and nothing further is spawned', async () => {
    const j = judge(() => 'Best: 1');
    const { kernel, call, record } = await start([new EchoBackend('e', { concurrency: 1 }, 5), j]);
    const started = await call('collab_ensemble', { prompt: 'hang', models: ['e', 'e', 'e'], fusion: 'judge', judge_model: 'judge', wait: false });
    await new Promise((r) => setTimeout(r, 30));
    expect(kernel.procs.must(started.children[0]).state).toBe('running');
    const killed = await call('proc_kill', { pid: started.pid });
    expect(killed.exit).toBe('killed');
    const done = await record('proc_wait', { pid: started.pid, timeout_ms: 2_000 });
    expect(done.exit).toBe('killed');
    await new Promise((r) => setTimeout(r, 50));
    const group = kernel.procs.must(started.pid);
    expect(group.children).toHaveLength(3); // no judge after the kill
    for (const pid of group.children) expect(kernel.procs.must(pid).exit).toBe('killed');
    expect(j.prompts).toHaveLength(0);
    expect(kernel.res.inUse('e')).toBe(0);
  });

  it('cancelling the request kills the tree', async () => {
    const { kernel, client } = await start([new EchoBackend('e', {}, 5)]);
    const ac = new AbortController();
    const pending = client.callTool({ name: 'collab_ensemble', arguments: { prompt: 'hang', models: ['e', 'e'] } }, undefined, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 30));
    const group = [...kernel.procs.scan()].find((p) => p.kind === 'group')!;
    ac.abort();
    await expect(pending).rejects.toThrow();
    const done = await kernel.procs.wait(group.pid, 2_000);
    expect(done.exit).toBe('killed');
    expect(done.error?.data).toMatchObject({ cause: 'cancel' }); // not "killed by proc_kill"
    for (const pid of group.children) expect((await kernel.procs.wait(pid, 2_000)).exit).toBe('killed');
  });

  it('reports each member\'s progress to the client', async () => {
    const { client } = await start([says('a', 'one two', 5), says('b', 'one two', 5)]);
    const messages: string[] = [];
    const r = await client.callTool({ name: 'collab_ensemble', arguments: { prompt: 'q', models: ['a', 'b'] } }, undefined, { onprogress: (p) => messages.push(p.message ?? '') });
    const out = r.structuredContent as any;
    for (const pid of out.children) expect(messages.some((m) => m.startsWith(`child ${pid} (member,`) && m.includes('exited'))).toBe(true);
    expect(messages.some((m) => m.startsWith('fusion: vote'))).toBe(true);
  });

  it('fails the group when every member fails, and keeps each error', async () => {
    const bad = (id: string) => new ScriptedBackend(id, () => ({ fail: true }));
    const { call } = await start([bad('a'), bad('b')]);
    const out = await call('collab_ensemble', { prompt: 'q', models: ['a', 'b'] });
    expect(out.exit).toBe('failed');
    expect(out.error.code).toBe('LLMOS_EUPSTREAM');
    expect(out.result).toBeNull();
    expect(out.collab.children.map((c: any) => c.error?.code)).toEqual(['LLMOS_EUPSTREAM', 'LLMOS_EUPSTREAM']);
  }, 10_000);
});
