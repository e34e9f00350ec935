import { afterEach, describe, expect, it } from 'vitest';
import modelCore from '../../../plugins/model-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, connect, testKernel } from '../../helpers/kernel.js';
import { echoFactoryPlugin } from './harness.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function client() {
  const { kernel, stop } = await testKernel({ inline: [fcfs, echoPlugin([]), echoFactoryPlugin, modelCore] });
  closers.push(stop);
  const c = await connect(kernel, 'mcp-user');
  closers.push(c.close);
  return { kernel, client: c.client };
}

describe('model manager over MCP', () => {
  it('lists the tools with schemas, and serves register → spawn → eval → compare through a real client', async () => {
    const { client: c } = await client();
    const tools = (await c.listTools()).tools;
    const mine = ['model_list', 'model_register', 'model_update', 'model_remove', 'model_health', 'model_eval', 'model_compare', 'budget_set', 'budget_get'];
    for (const name of mine) {
      const t = tools.find((x) => x.name === name);
      expect(t, name).toBeDefined();
      expect(t!.outputSchema?.type).toBe('object');
    }
    expect(tools.find((t) => t.name === 'model_register')!.inputSchema.required).toEqual(['kind', 'id']);

    expect(await call(c, 'model_register', { kind: 'echo', id: 'local/echo', version: '1', delay_ms: 1 })).toMatchObject({ id: 'local/echo', status: 'ready' });
    expect(await call(c, 'proc_spawn', { prompt: 'hi', wait: true })).toMatchObject({ exit: 'ok', model: 'local/echo' });
    const report = await call(c, 'model_eval', { model: 'local/echo', suite: '{"prompt":"4","expected":4,"scorer":"numeric-tolerance","type":"math"}', include_items: false });
    expect(report).toMatchObject({ n: 1, accuracy: 1, items: [] });
    expect((await call(c, 'model_compare', {})).best).toEqual([{ task_type: 'math', model: 'local/echo', accuracy: 1 }]);
    expect(await call(c, 'budget_get', {})).toMatchObject({ owner: 'mcp-user' });
    expect(await callError(c, 'model_register', { kind: 'echo', id: 'down', healthy: false })).toMatchObject({ code: 'LLMOS_EUNAVAILABLE' });
  });

  it('reads llmos://models, llmos://models/{id} and .../eval, and completes ids', async () => {
    const { client: c } = await client();
    const read = async (uri: string) => JSON.parse(((await c.readResource({ uri })).contents[0] as { text: string }).text);
    await call(c, 'model_register', { kind: 'echo', id: 'vendor/a' });
    const all = await read('llmos://models');
    expect(all.models.map((m: { id: string }) => m.id)).toEqual(['vendor/a']);
    const one = await read('llmos://models/vendor%2Fa');
    expect(one).toMatchObject({ id: 'vendor/a', kind: 'echo' });
    const ev = await read('llmos://models/vendor%2Fa/eval');
    expect(ev).toEqual({ model: 'vendor/a', performance: [], runs: [] });
    const done = await c.complete({ ref: { type: 'ref/resource', uri: 'llmos://models/{id}' }, argument: { name: 'id', value: 'ven' } });
    expect(done.completion.values).toEqual(['vendor/a']);
    const listed = (await c.listResources()).resources.map((r) => r.uri);
    expect(listed).toEqual(expect.arrayContaining(['llmos://models', 'llmos://models/vendor%2Fa', 'llmos://models/vendor%2Fa/eval']));
  });
});
