import { describe, expect, it } from 'vitest';
import { z } from '../../../src/plugin-api/index.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { ScriptedBackend } from '../../fixtures/scripted-backend.js';
import { callError } from '../../helpers/kernel.js';
import { childUsage, useCollabKernel } from './collab-kernel.js';

const start = useCollabKernel();

describe('collab_chain', () => {
  it('runs steps in order with {{input}} and {{prev}}, on the echo backend, rolling usage up to the group', async () => {
    const { kernel, call } = await start([new EchoBackend('e')]);
    const out = await call('collab_chain', {
      input: 'alpha',
      steps: [{ model: 'e', template: 'one {{input}}' }, { model: 'auto', template: 'two {{prev}} / {{input}}' }],
      max_tokens: 32,
    });
    expect(out.exit).toBe('ok');
    expect(out.collab.steps.map((s: any) => s.output)).toEqual(['echo: one alpha', 'echo: two echo: one alpha / alpha']);
    expect(out.result.text).toBe('echo: two echo: one alpha / alpha');
    expect(out.collab.children.map((c: any) => [c.role, c.index])).toEqual([['step', 0], ['step', 1]]);
    const sum = childUsage(kernel, out.children);
    expect(out.usage).toEqual({ ...sum, cost_usd: out.usage.cost_usd });
    expect(out.usage.cost_usd).toBeCloseTo(sum.cost_usd, 12);
    expect(kernel.procs.must(out.children[1]).started!).toBeGreaterThanOrEqual(kernel.procs.must(out.children[0]).finished!);
  });

  it('evaluator-optimizer: critique → refine until the critique approves', async () => {
    let critiques = 0;
    const critic = new ScriptedBackend('critic', () => (++critiques < 2 ? 'Too vague; name the city.' : 'APPROVED'));
    const writer = new ScriptedBackend('writer', (p) => (p.includes('critique') ? 'Paris, France' : 'a city'));
    const { call } = await start([writer, critic]);
    const out = await call('collab_chain', {
      input: 'Where is the Louvre?',
      steps: [{ model: 'writer', template: '{{input}}' }],
      loop: { evaluator: { model: 'critic' }, optimizer: { model: 'writer' }, max_rounds: 4 },
    });
    expect(out.result.text).toBe('Paris, France');
    expect(out.collab.loop).toMatchObject({ stop_reason: 'approved', max_rounds: 4 });
    expect(out.collab.loop.rounds.map((r: any) => [r.round, r.approved, r.refiner_pid !== null])).toEqual([[1, false, true], [2, true, false]]);
    expect(critic.prompts[1]).toContain('Paris, France'); // round 2 critiques the refined draft
    expect(writer.prompts[1]).toContain('Too vague; name the city.');
    expect(out.collab.children.map((c: any) => c.role)).toEqual(['step', 'critic', 'refiner', 'critic']);
  });

  it('stops at max_rounds when never approved, and honours a stop regex', async () => {
    const critic = new ScriptedBackend('critic', (p) => (p.includes('v4') ? 'score: 9/10' : 'score: 3/10'));
    let v = 0;
    const writer = new ScriptedBackend('writer', () => `v${++v}`);
    const { call } = await start([writer, critic]);
    const capped = await call('collab_chain', {
      input: 'x',
      steps: [{ model: 'writer', template: '{{input}}' }],
      loop: { evaluator: { model: 'critic' }, optimizer: { model: 'writer' }, max_rounds: 1 },
    });
    expect(capped.collab.loop.stop_reason).toBe('max_rounds');
    expect(capped.collab.loop.rounds).toHaveLength(1);
    expect(capped.result.text).toBe('v2');
    const re = await call('collab_chain', {
      input: 'x',
      steps: [{ model: 'writer', template: '{{input}}' }],
      loop: { evaluator: { model: 'critic' }, optimizer: { model: 'writer' }, max_rounds: 5, stop: { regex: 'score: (9|10)/10' } },
    });
    expect(re.result.text).toBe('v4'); // v3 drafted (3/10), refined to v4 (9/10): approved
    expect(re.collab.loop.stop_reason).toBe('approved');
  });

  it('a catastrophic stop regex runs in linear time: the critic answers, the loop ends, the server stays responsive', async () => {
    const critic = new ScriptedBackend('critic', () => 'x'.repeat(20_000));
    const writer = new ScriptedBackend('writer', () => 'draft');
    const { call } = await start([writer, critic]);
    const out = await call('collab_chain', {
      input: 'x',
      steps: [{ model: 'writer', template: '{{input}}' }],
      loop: { evaluator: { model: 'critic' }, optimizer: { model: 'writer' }, max_rounds: 2, stop: { regex: '^([\\s\\S]+)+$Z' } },
    });
    expect(out.collab.loop.stop_reason).toBe('max_rounds'); // never matched, and never froze the event loop
    expect(out.collab.loop.rounds).toHaveLength(2);
    expect((await call('sys_info', {})).version).toBeTypeOf('string');
  });

  it('rejects unknown placeholders and bad regexes before spawning anything', async () => {
    const { kernel, client } = await start([new EchoBackend('e')]);
    const before = kernel.procs.lastPid;
    expect((await callError(client, 'collab_chain', { input: 'x', steps: [{ template: '{{input}} {{nope}}' }] })).code).toBe('LLMOS_EINVAL');
    expect((await callError(client, 'collab_chain', { input: 'x', steps: [{ template: '{{input}}' }], loop: { stop: { regex: '(' } } })).code).toBe('LLMOS_EINVAL');
    const backref = await callError(client, 'collab_chain', { input: 'x', steps: [{ template: '{{input}}' }], loop: { stop: { regex: '(a)\\1' } } });
    expect(backref).toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/linear time/) });
    expect((await callError(client, 'collab_chain', { input: 'x', steps: [{ model: 'nosuch', template: '{{input}}' }] })).code).toBe('LLMOS_ENOMODEL');
    expect(kernel.procs.lastPid).toBe(before);
  });

  it('a failing step fails the group and later steps never run', async () => {
    const { call } = await start([new EchoBackend('e')]);
    const out = await call('collab_chain', { input: 'x', steps: [{ model: 'e', template: 'fail: {{input}}' }, { model: 'e', template: '{{prev}}' }] });
    expect(out.exit).toBe('failed');
    expect(out.error.code).toBe('LLMOS_EUPSTREAM');
    expect(out.children).toHaveLength(1);
  });

  it('killing the group mid-chain stops it before the next step', async () => {
    const { kernel, call, record } = await start([new EchoBackend('e')]);
    const started = await call('collab_chain', { input: 'x', steps: [{ model: 'e', template: 'hang {{input}}' }, { model: 'e', template: '{{prev}}' }], wait: false });
    expect(started.children).toHaveLength(1);
    await call('proc_kill', { pid: started.pid });
    const done = await record('proc_wait', { pid: started.pid, timeout_ms: 2_000 });
    expect(done.exit).toBe('killed');
    await new Promise((r) => setTimeout(r, 30));
    expect(kernel.procs.must(started.pid).children).toHaveLength(1);
    expect(kernel.procs.must(started.children[0]).exit).toBe('killed');
  });

  it('refuses kg options when no plugin handles them, before anything is spawned', async () => {
    const { kernel, call } = await start([new EchoBackend('e')]);
    const kg = { remember: { entity: 'louvre' } };
    const err = await call('collab_chain', { input: 'x', steps: [{ model: 'e', template: '{{input}}', kg }] }).catch((e: Error) => e.message);
    expect(err).toMatch(/^LLMOS_EINVAL: kg options need the kg-core plugin/);
    expect(kernel.procs.lastPid).toBe(0);
  });

  it('applies kernel spawn hooks (kg-core\'s context_from_kg / remember) to a step that gives kg options', async () => {
    const { kernel, call } = await start([new EchoBackend('e')]);
    const seen: Array<{ pid: number; entity: unknown }> = [];
    const hook = {
      name: 'kg',
      input: { remember: z.object({ entity: z.string() }).optional(), context_from_kg: z.object({ query: z.string() }).optional() },
      beforeSpawn: (task: any, args: any) => (args.context_from_kg ? { ...task, system: `FACTS about ${args.context_from_kg.query}` } : task),
      afterExit: (p: any, args: any) => void seen.push({ pid: p.pid, entity: args.remember?.entity }),
    };
    kernel.addSpawnHook(hook);
    const out = await call('collab_chain', {
      input: 'x',
      steps: [{ model: 'e', template: '{{input}}', kg: { context_from_kg: { query: 'louvre' } } }, { model: 'e', template: '{{prev}}', kg: { remember: { entity: 'louvre' } } }],
    });
    expect(out.exit).toBe('ok');
    expect(kernel.procs.must(out.children[0]).task.system).toBe('FACTS about louvre');
    expect(kernel.procs.must(out.children[1]).task.system).toBeUndefined();
    expect(seen).toEqual([{ pid: out.children[0], entity: undefined }, { pid: out.children[1], entity: 'louvre' }]);
    expect(kernel.procs.must(out.children[0]).task.metadata.kg).toEqual({ context_from_kg: { query: 'louvre' } });
    const before = kernel.procs.lastPid;
    const bad = await call('collab_chain', { input: 'x', steps: [{ model: 'e', template: '{{input}}', kg: { remember: { entity: 3 } } }] }).catch((e: Error) => e.message);
    expect(bad).toMatch(/^LLMOS_EINVAL: invalid kg options/);
    expect(kernel.procs.lastPid).toBe(before); // refused before any process was made
  });
});
