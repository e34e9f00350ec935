import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import modelCore from '../../../plugins/model-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { PERF_TABLE_TOKEN, type PerfTable } from '../../../src/core/perf.js';
import { call, callError, connect, testKernel } from '../../helpers/kernel.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { echoFactoryPlugin } from './harness.js';

/** The echo model answers "echo: <prompt>": the first item passes, the second fails. */
const items = [
  { prompt: 'the capital is Paris', expected: 'Paris', scorer: 'contains', type: 'qa' },
  { prompt: 'the capital is Rome', expected: 'Paris', scorer: 'contains', type: 'qa' },
];

describe('tables shared by every user are written only by admins', () => {
  let b: Awaited<ReturnType<typeof testKernel>>;
  let alice: Awaited<ReturnType<typeof connect>>;
  let bob: Awaited<ReturnType<typeof connect>>;
  let perf: PerfTable;

  beforeEach(async () => {
    b = await testKernel({ admins: ['alice'], inline: [fcfs, echoPlugin([]), echoFactoryPlugin, modelCore] });
    alice = await connect(b.kernel, 'alice');
    bob = await connect(b.kernel, 'bob');
    perf = b.kernel.container.resolve<PerfTable>(PERF_TABLE_TOKEN);
    await call(alice.client, 'model_register', { kind: 'echo', id: 'ev' });
  });
  afterEach(async () => {
    await alice.close();
    await bob.close();
    await b.stop();
  });

  it('a non-admin eval returns its scores but writes no performance row; an admin eval writes them', async () => {
    const mine = await call(bob.client, 'model_eval', { model: 'ev', items });
    expect(mine).toMatchObject({ n: 2, passed: 1, accuracy: 0.5 });
    expect(perf.rows()).toEqual([]);
    expect((await call(bob.client, 'model_compare', {})).rows).toEqual([]);

    await call(alice.client, 'model_eval', { model: 'ev', items });
    expect(perf.get('ev', 'qa')).toMatchObject({ n: 2, accuracy: 0.5 });
  });

  it('budget_get of another owner is for admins only; one\'s own budget stays readable', async () => {
    await call(alice.client, 'budget_set', { owner: 'carol', tokens: 1000 });
    const before = await call(alice.client, 'budget_get', { owner: 'carol' });
    const e = await callError(bob.client, 'budget_get', { owner: 'carol' });
    expect(e.code).toBe('LLMOS_EPERM');
    expect(e.message).not.toMatch(/1000/);
    expect(await call(bob.client, 'budget_get', {})).toMatchObject({ owner: 'bob' });
    expect(await call(bob.client, 'budget_get', { owner: 'bob' })).toMatchObject({ owner: 'bob' });
    expect(await call(alice.client, 'budget_get', { owner: 'carol' })).toEqual(before);
  });
});
