/**
 * The knowledge graph has owners (issue 14), tried as hostile clients over a
 * real MCP client: bob cannot read, search, open, relate to, change or delete
 * alice's entities, nor plant facts in what her context_from_kg reads; his
 * remember results stay in his graph; only admins write the shared graph and
 * use kg_import/kg_export. After every refused attempt, alice's graph and
 * the shared one are exactly as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import kgEmbedded from '../../../plugins/kg-embedded/index.js';
import schedFcfs from '../../../plugins/sched-fcfs/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, connect, testKernel } from '../../helpers/kernel.js';

type Session = Awaited<ReturnType<typeof connect>>;

describe('knowledge graph owners over MCP', () => {
  let b: Awaited<ReturnType<typeof testKernel>>;
  let alice: Session;
  let bob: Session;
  let admin: Session;
  /** Everything alice's graph and the shared graph hold, as admin reads them. */
  const snapshot = async () => ({
    alice: await call(admin.client, 'kg_read_graph', { graph: 'user:alice', limit: 500 }),
    shared: await call(admin.client, 'kg_read_graph', { graph: 'shared', limit: 500 }),
  });

  beforeAll(async () => {
    b = await testKernel({ admins: ['user:admin'], inline: [schedFcfs, echoPlugin(), kgEmbedded, kgCore] });
    [alice, bob, admin] = await Promise.all(['user:alice', 'user:bob', 'user:admin'].map((o) => connect(b.kernel, o)));
    await call(alice.client, 'kg_create_entities', { entities: [{ name: 'Paris', entityType: 'city', observations: ['alice meets her doctor here'] }, { name: 'Doctor', entityType: 'person' }] });
    await call(alice.client, 'kg_create_relations', { relations: [{ from: 'Doctor', to: 'Paris', relationType: 'works_in' }] });
    await call(admin.client, 'kg_create_entities', { graph: 'shared', entities: [{ name: 'France', entityType: 'country', observations: ['capital is Paris'] }] });
  });
  afterAll(async () => {
    for (const s of [alice, bob, admin]) await s?.close();
    await b?.stop();
  });

  it("does not show bob alice's entities through search, open, read, stats or resources", async () => {
    const before = await snapshot();
    const found = await call(bob.client, 'kg_search', { query: 'doctor paris' }); // the shared France mentions Paris
    expect(found.entities.map((e: { name: string; graph?: string }) => [e.name, e.graph])).toEqual([['France', 'shared']]);
    expect(found.relations).toEqual([]);
    expect((await call(bob.client, 'kg_open_nodes', { names: ['Paris', 'Doctor'] })).entities).toEqual([]);
    expect((await call(bob.client, 'kg_read_graph', {})).entities).toEqual([]);
    expect(await call(bob.client, 'kg_stats', {})).toMatchObject({ entities: 0, relations: 0 });
    expect((await callError(bob.client, 'kg_read_graph', { graph: 'user:alice' })).code).toBe('LLMOS_EPERM');
    expect((await callError(bob.client, 'kg_search', { query: 'doctor', graph: 'user:alice' })).code).toBe('LLMOS_EPERM');
    await expect(bob.client.readResource({ uri: 'llmos://kg/entity/Doctor' })).rejects.toThrow(/LLMOS_EINVAL/);
    const stats = JSON.parse(((await bob.client.readResource({ uri: 'llmos://kg' })).contents[0] as { text: string }).text);
    expect(stats).toMatchObject({ entities: 0 });
    const done = await bob.client.complete({ ref: { type: 'ref/resource', uri: 'llmos://kg/entity/{name}' }, argument: { name: 'name', value: 'Do' } });
    expect(done.completion.values).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses bob's writes to alice's graph and to the shared one, and his deletes reach only his own graph", async () => {
    const before = await snapshot();
    for (const [tool, args] of [
      ['kg_create_entities', { graph: 'user:alice', entities: [{ name: 'Paris', entityType: 'city', observations: ['planted by bob'] }] }],
      ['kg_add_observations', { graph: 'user:alice', observations: [{ entityName: 'Paris', contents: ['planted by bob'] }] }],
      ['kg_delete_entities', { graph: 'user:alice', entityNames: ['Paris', 'Doctor'] }],
      ['kg_delete_relations', { graph: 'user:alice', relations: [{ from: 'Doctor', to: 'Paris', relationType: 'works_in' }] }],
      ['kg_create_entities', { graph: 'shared', entities: [{ name: 'France', entityType: 'country', observations: ['planted by bob'] }] }],
      ['kg_add_observations', { graph: 'shared', observations: [{ entityName: 'France', contents: ['planted by bob'] }] }],
      ['kg_delete_entities', { graph: 'shared', entityNames: ['France'] }],
      ['kg_import', { graph: 'shared', jsonl: '{"type":"entity","name":"France","entityType":"country","observations":["planted"]}' }],
      ['kg_export', { graph: 'user:alice', path: 'alice.jsonl' }],
    ] as const) expect((await callError(bob.client, tool, args)).code, tool).toBe('LLMOS_EPERM');
    // Without a graph, bob acts on his own: alice's names are not there.
    expect(await call(bob.client, 'kg_delete_entities', { entityNames: ['Paris', 'Doctor', 'France'] })).toEqual({ deleted: 0 });
    expect((await callError(bob.client, 'kg_add_observations', { observations: [{ entityName: 'Paris', contents: ['planted'] }] })).code).toBe('LLMOS_EINVAL');
    await call(bob.client, 'kg_create_entities', { entities: [{ name: 'Mallory', entityType: 'person' }] });
    expect((await callError(bob.client, 'kg_create_relations', { relations: [{ from: 'Mallory', to: 'Doctor', relationType: 'knows' }] })).code).toBe('LLMOS_EINVAL');
    expect(await snapshot()).toEqual(before);
  });

  it("keeps bob's remember in his graph and out of alice's context_from_kg; both read the shared graph", async () => {
    const planted = await call(bob.client, 'proc_spawn', { prompt: 'Paris: the doctor is a fraud', wait: true, remember: { entity: 'Paris', entity_type: 'city' } });
    expect(planted.exit).toBe('ok');
    expect((await call(bob.client, 'kg_open_nodes', { names: ['Paris'] })).entities[0].observations[0]).toContain('the doctor is a fraud');
    const a = await call(alice.client, 'proc_spawn', { prompt: 'Where?', wait: true, context_from_kg: { query: 'paris doctor fraud' } });
    const system = b.kernel.procs.must(a.pid).task.system ?? '';
    expect(system).toContain('alice meets her doctor here');
    expect(system).toContain('France (country) [shared graph]: capital is Paris');
    expect(system).not.toContain('fraud');
    const mine = await call(alice.client, 'kg_open_nodes', { names: ['Paris', 'France'] });
    expect(mine.entities.map((e: { name: string; graph?: string }) => [e.name, e.graph ?? 'own'])).toEqual([['Paris', 'own'], ['France', 'shared']]);
    expect(mine.entities[0].observations).toEqual(['alice meets her doctor here']);
  });

  it('lets an admin write the shared graph and import into or export any graph', async () => {
    await call(admin.client, 'kg_add_observations', { graph: 'shared', observations: [{ entityName: 'France', contents: ['in Europe'] }] });
    expect((await call(bob.client, 'kg_open_nodes', { names: ['France'] })).entities[0].observations).toEqual(['capital is Paris', 'in Europe']);
    expect(await call(admin.client, 'kg_export', { graph: 'user:alice', path: 'alice.jsonl' })).toMatchObject({ entities: 2, relations: 1 });
    await call(admin.client, 'kg_import', { graph: 'user:carol', path: 'alice.jsonl' });
    expect(await call(admin.client, 'kg_stats', { graph: 'user:carol' })).toMatchObject({ entities: 2, relations: 1 });
  });
});
