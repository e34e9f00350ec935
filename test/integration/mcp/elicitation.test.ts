import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, tempDir } from '../../helpers/kernel.js';
import { createTask, freePort, httpClient, httpServer, killHard, pollToEnd, taskConfig, taskResult } from './task-servers.js';

const PROMPT = 'What is 2 + 3? Reply with the number only.';
const LOCAL = 'smollm2-135m';
const text = (r: Record<string, unknown>) => (r.content as Array<{ text: string }>)[0].text;
type Asked = ElicitRequest['params'] & { requestedSchema: { properties: { choice: { oneOf: Array<{ const: string; title: string }> } } } };

/** A client that declared form elicitation and answers every elicitation/create with `answer`, recording what it was asked. */
async function eliciting(port: number, token: string, answer: (offered: string[]) => ElicitResult) {
  const asked: Asked[] = [];
  const c = await httpClient(port, token, { capabilities: { elicitation: { form: {} } } });
  c.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params as Asked);
    return answer((req.params as Asked).requestedSchema.properties.choice.oneOf.map((o) => o.const));
  });
  return { client: c, asked, offered: (i: number) => asked[i].requestedSchema.properties.choice.oneOf.map((o) => o.const) };
}

/**
 * Elicitation within policy, through the real HTTP server with named users
 * and the real SmolLM2 (free) beside "pricey", an OpenAI-compatible model on
 * the real llama.cpp server with a price: only choices the policy permits are
 * offered, an accepted one runs, a declined one gets the coded error, and a
 * client without elicitation gets the coded error as before.
 */
describe('elicitation within policy', { timeout: 240_000 }, () => { // the in-process model on a loaded 2-core machine
  let port = 0;
  const pids: number[] = [];
  const clients: Client[] = [];
  beforeAll(async () => {
    const pricey = { base_url: inject('llamaBaseURL'), api_key_env: 'LLMOS_TEST_NO_KEY', probe_on_start: false, models: [{ id: 'pricey', pricing: { input_per_1k: 1, output_per_1k: 1 }, concurrency: 1 }] };
    const tight = { models: [LOCAL], budget: { tokens: 400, period: 'daily' } };
    const policy = { 'user:alice': { budget: { cost_usd: 0.001, period: 'monthly' } }, 'user:bob': tight, 'user:carol': tight };
    port = await freePort();
    const child = await httpServer(taskConfig(inject('modelPath'), { policy, plugins: [['model-openai', pricey]] }), tempDir(), port, 'alice:alice-token-1,bob:bob-token-22,carol:carol-token-3');
    pids.push(child.pid!);
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    killHard(pids);
  });

  it('a model the policy does not list: the permitted one is offered, and the accepted call runs on it', async () => {
    const bob = await eliciting(port, 'bob-token-22', (offered) => ({ action: 'accept', content: { choice: offered[0] } }));
    clients.push(bob.client);
    const rec = await call(bob.client, 'proc_spawn', { prompt: PROMPT, model: 'pricey', max_tokens: 8, temperature: 0, wait: true });
    expect(bob.asked).toHaveLength(1);
    expect(bob.asked[0].message).toMatch(/^LLMOS_EPERM: your policy does not allow model "pricey"/);
    expect(bob.offered(0)).toEqual([`model:${LOCAL}`]); // neither the refused model nor a budget it has not got
    expect(rec).toMatchObject({ exit: 'ok', model: LOCAL, owner: 'user:bob' });
  });

  it('over the token budget: fewer max_tokens is offered, and waiting for the daily renewal only when the call fits a fresh day; never more budget', async () => {
    const choose = { pick: 'max_tokens:' };
    const bob = await eliciting(port, 'bob-token-22', (offered) => (choose.pick ? { action: 'accept', content: { choice: offered.find((o) => o.startsWith(choose.pick))! } } : { action: 'cancel' }));
    clients.push(bob.client);
    const rec = await call(bob.client, 'proc_spawn', { prompt: PROMPT, max_tokens: 1000, temperature: 0, wait: true });
    expect(bob.asked[0].message).toMatch(/^LLMOS_EBUDGET: owner "user:bob" would exceed its daily budget: this call needs up to \d+ tokens/);
    const offered = bob.offered(0);
    expect(offered).toEqual([expect.stringMatching(/^max_tokens:\d+$/)]); // 1000 tokens do not fit even a fresh day of 400: no waiting offered
    const n = Number(offered[0].split(':')[1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(400);
    expect(rec).toMatchObject({ exit: 'ok', task: { max_tokens: n } });
    expect((await call(bob.client, 'budget_get', {})).spent.tokens).toBeLessThanOrEqual(400);

    const prompt = Number(/needs up to (\d+) tokens/.exec(bob.asked[0].message)![1]) - 1000;
    choose.pick = '';
    const fitsADay = await bob.client.callTool({ name: 'proc_spawn', arguments: { prompt: PROMPT, max_tokens: 400 - prompt, wait: true } });
    const tomorrow = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1)).toISOString();
    expect(bob.offered(1)).toEqual([expect.stringMatching(/^max_tokens:\d+$/), `wait:${tomorrow}`]);
    expect(text(fitsADay)).toMatch(/^LLMOS_EBUDGET: /); // cancelled at the prompt: the coded error
    expect((fitsADay._meta as any)['llmos/error'].data).toMatchObject({ elicitation: 'cancel' });
  });

  it('declined: the coded error, and nothing is spawned', async () => {
    const bob = await eliciting(port, 'bob-token-22', () => ({ action: 'decline' }));
    clients.push(bob.client);
    const before = (await call(bob.client, 'proc_list', { limit: 100 })).procs.length;
    const r = await bob.client.callTool({ name: 'proc_spawn', arguments: { prompt: PROMPT, max_tokens: 1000, wait: true } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^LLMOS_EBUDGET: owner "user:bob" would exceed its daily budget/);
    expect((r._meta as any)['llmos/error'].data).toMatchObject({ elicitation: 'decline' });
    expect((await call(bob.client, 'proc_list', { limit: 100 })).procs.length).toBe(before);
  });

  it('a client without elicitation gets the coded errors as before', async () => {
    const carol = await httpClient(port, 'carol-token-3');
    clients.push(carol);
    const perm = await carol.callTool({ name: 'proc_spawn', arguments: { prompt: PROMPT, model: 'pricey', max_tokens: 8, wait: true } });
    expect(text(perm)).toMatch(/^LLMOS_EPERM: your policy does not allow model "pricey"/);
    const over = await carol.callTool({ name: 'proc_spawn', arguments: { prompt: PROMPT, max_tokens: 1000, wait: true } });
    expect(over.isError).toBe(true);
    expect(text(over)).toMatch(/^LLMOS_EBUDGET: owner "user:carol" would exceed its daily tokens budget of 400/); // refused at admission, as always
  });

  it('a task-augmented call over the cost budget: the cheaper model is offered, and the task runs on it', async () => {
    const alice = await eliciting(port, 'alice-token-1', (offered) => ({ action: 'accept', content: { choice: offered[0] } }));
    clients.push(alice.client);
    const task = await createTask(alice.client, 'proc_spawn', { prompt: PROMPT, model: 'pricey', max_tokens: 8, temperature: 0 });
    expect(alice.asked[0].message).toMatch(/^LLMOS_EBUDGET: owner "user:alice" would exceed its monthly budget/);
    expect(alice.offered(0)).toEqual([`model:${LOCAL}`]); // fewer tokens cannot fit a $0.001 budget on "pricey", nor can a fresh month
    expect(await pollToEnd(alice.client, task.taskId)).toContain('completed');
    expect((await taskResult(alice.client, task.taskId)).structuredContent).toMatchObject({ exit: 'ok', model: LOCAL });
    const declined = await eliciting(port, 'alice-token-1', () => ({ action: 'decline' }));
    clients.push(declined.client);
    const refused = await createTask(declined.client, 'proc_spawn', { prompt: PROMPT, model: 'pricey', max_tokens: 8 }).catch((e: Error) => e);
    expect(String(refused)).toMatch(/LLMOS_EBUDGET: owner "user:alice" would exceed its monthly budget/);
  });
});
