import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import modelCore from '../../../plugins/model-core/index.js';
import schedCore from '../../../plugins/sched-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { exposeTools, exposureFromEnv } from '../../../src/mcp/toolsets.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { call, connect, testKernel } from '../../helpers/kernel.js';

/** root is the admin; alice may run on the "small-*" models only; bob has no policy. */
let env: Awaited<ReturnType<typeof testKernel>>;
beforeAll(async () => {
  const backends = [new EchoBackend('small-a'), new EchoBackend('small-b'), new EchoBackend('large-x')];
  env = await testKernel({ inline: [fcfs, echoPlugin(backends), modelCore, schedCore], admins: ['root'], policy: { alice: { models: ['small-*'] } } });
  exposeTools(env.kernel, exposureFromEnv(env.kernel, {}));
});
afterAll(() => env.stop());

const complete = async (c: Client, prompt: string, name: string, value: string) =>
  (await c.complete({ ref: { type: 'ref/prompt', name: prompt }, argument: { name, value } })).completion.values;

/** The coded refusal of a prompts/get: the MCP error's message starts with the LLMOS code. */
const refusal = async (c: Client, name: string, args: Record<string, string>) => {
  const e = await c.getPrompt({ name, arguments: args }).then(() => undefined, (err: Error) => err);
  expect(e, 'prompts/get should have been refused').toBeInstanceOf(Error);
  return /(LLMOS_E[A-Z]+): (.*)/s.exec(e!.message)!.slice(1, 3);
};

describe('MCP prompts (prompts/list, prompts/get, completion/complete through the SDK client)', () => {
  it('lists the common jobs with their arguments, which ones are required', async () => {
    const c = await connect(env.kernel, 'alice');
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['delegate', 'compare_models', 'plan_capacity', 'review_usage']);
    const delegate = prompts.find((p) => p.name === 'delegate')!;
    expect(delegate.arguments?.map((a) => [a.name, a.required])).toEqual([['task', true], ['budget_usd', false], ['type', false], ['model', false]]);
    expect(c.client.getServerCapabilities()?.prompts).toBeDefined();
    await c.close();
  });

  it("delegate: completes only the models the caller's policy allows, and writes a message that names them, the budget and proc_spawn", async () => {
    const alice = await connect(env.kernel, 'alice');
    expect(await complete(alice.client, 'delegate', 'model', '')).toEqual(['auto', 'small-a', 'small-b']);
    expect(await complete(alice.client, 'delegate', 'model', 'small-b')).toEqual(['small-b']);
    expect(await complete(alice.client, 'delegate', 'type', 'tr')).toEqual(['translation']);
    const got = await alice.client.getPrompt({ name: 'delegate', arguments: { task: 'Summarise the minutes', budget_usd: '0.05', type: 'summarization' } });
    const text = (got.messages[0].content as { text: string }).text;
    expect(got.messages[0].role).toBe('user');
    expect(text).toContain('Summarise the minutes');
    expect(text).toContain('at most $0.05');
    expect(text).toMatch(/- small-a: \$/);
    expect(text).not.toContain('large-x');
    expect(text).toContain('proc_spawn {"prompt"');
    const [code, msg] = await refusal(alice.client, 'delegate', { task: 'x', model: 'large-x' });
    expect(code).toBe('LLMOS_EINVAL');
    expect(msg).toMatch(/argument "model" has "large-x", not one of auto, small-a, small-b/);
    await alice.close();
    const bob = await connect(env.kernel, 'bob');
    expect(await complete(bob.client, 'delegate', 'model', '')).toEqual(['auto', 'small-a', 'small-b', 'large-x']);
    await bob.close();
  });

  it('compare_models completes each item of a comma list; plan_capacity completes the loaded schedulers', async () => {
    const c = await connect(env.kernel, 'bob');
    expect(await complete(c.client, 'compare_models', 'models', 'small-a,l')).toEqual(['small-a,large-x']);
    const got = await c.client.getPrompt({ name: 'compare_models', arguments: { examples: '2+2 => 4', models: 'small-a, large-x' } });
    expect((got.messages[0].content as { text: string }).text).toMatch(/2\+2 => 4[\s\S]*Models: small-a, large-x[\s\S]*model_eval[\s\S]*model_compare/);
    expect(await complete(c.client, 'plan_capacity', 'scheduler', '')).toEqual(['fcfs']);
    const plan = await c.client.getPrompt({ name: 'plan_capacity', arguments: { target_wait_s: '0.5' } });
    expect((plan.messages[0].content as { text: string }).text).toMatch(/under 0\.5 s[\s\S]*sched_stats[\s\S]*capacity_plan \{"arrival_rate": λ, "service_rate": μ, "target_wait": 0\.5\}/);
    expect(await refusal(c.client, 'plan_capacity', { target_wait_s: 'soon' })).toEqual(['LLMOS_EINVAL', 'prompt plan_capacity: argument "target_wait_s" must be a positive number, not "soon".']);
    expect((await refusal(c.client, 'plan_capacity', {}))[1]).toMatch(/argument "target_wait_s" is required/);
    expect((await refusal(c.client, 'plan_capacity', { target_wait_s: '1', servers: '3' }))[1]).toMatch(/unknown argument "servers"; it takes target_wait_s, arrival_rate, scheduler/);
    expect((await refusal(c.client, 'delegate', { task: 'x'.repeat(40_000) }))[1]).toMatch(/at most 32000 characters/);
    await c.close();
  });

  it('review_usage completes only the owners the caller may see, and refuses another owner to a non-admin', async () => {
    const bob = await connect(env.kernel, 'bob');
    await call(bob.client, 'proc_spawn', { prompt: 'hi', wait: true });
    await bob.close();
    const alice = await connect(env.kernel, 'alice');
    expect(await complete(alice.client, 'review_usage', 'owner', '')).toEqual(['self', 'alice']);
    expect(await refusal(alice.client, 'review_usage', { owner: 'bob' })).toEqual(['LLMOS_EPERM', expect.stringContaining('reviewing the usage of "bob"')]);
    await alice.close();
    const root = await connect(env.kernel, 'root');
    expect(await complete(root.client, 'review_usage', 'owner', 'b')).toEqual(['bob']);
    const got = await root.client.getPrompt({ name: 'review_usage', arguments: { owner: 'bob' } });
    expect((got.messages[0].content as { text: string }).text).toContain('proc_list {"owner": "bob"}');
    await root.close();
  });

  it('a prompt whose tools the server does not offer is not listed, and prompts/get says how to enable them; unknown names are refused', async () => {
    exposeTools(env.kernel, exposureFromEnv(env.kernel, { LLMOS_TOOLSETS: 'proc' }));
    try {
      const c = await connect(env.kernel, 'bob');
      expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['review_usage']);
      const [code, msg] = await refusal(c.client, 'delegate', { task: 'x' });
      expect(code).toBe('LLMOS_ENOSYS');
      expect(msg).toMatch(/model_list is in toolset "models".*LLMOS_TOOLSETS=proc,models/);
      expect((await refusal(c.client, 'nope', {}))[0]).toBe('LLMOS_EINVAL');
      await c.close();
    } finally {
      exposeTools(env.kernel, exposureFromEnv(env.kernel, {}));
    }
  });
});
