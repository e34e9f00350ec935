/**
 * The KnowledgeStore contract (src/core/knowledge.ts), as one suite
 * every store runs: kg-embedded (test/unit/kg/embedded.test.ts), kg-neo4j
 * (test/integration/kg/neo4j-store.test.ts) and third-party stores.
 * The factory must return an EMPTY store each time. The single-graph cases
 * run in one owner's graph; isolationCases (knowledge-isolation.ts) check
 * that graphs stay apart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KgEntity, KnowledgeStore } from '../index.js';
import { isolationCases, readBoundCases } from './knowledge-isolation.js';
import { inGraph, type GraphView } from './knowledge-view.js';

export { inGraph, type GraphView };

export type StoreFactory = () => Promise<{ store: KnowledgeStore; cleanup: () => Promise<void> }>;

const ent = (name: string, type: string, ...observations: string[]): KgEntity => ({ name, type, observations });
const sortRel = <T extends { from: string; to: string; type: string }>(rs: T[]) =>
  [...rs].sort((a, b) => `${a.from}|${a.type}|${a.to}`.localeCompare(`${b.from}|${b.type}|${b.to}`));

/** Three entities and three relations, the graph most cases start from. */
export async function seedGraph(store: GraphView): Promise<void> {
  await store.createEntities([
    ent('Alice', 'person', 'likes green tea', 'works remotely'),
    ent('Bob', 'person', 'plays chess'),
    ent('Acme', 'company', 'makes anvils'),
  ]);
  await store.createRelations([
    { from: 'Alice', to: 'Acme', type: 'works_at' },
    { from: 'Bob', to: 'Acme', type: 'works_at' },
    { from: 'Alice', to: 'Bob', type: 'knows' },
  ]);
}

/** Creates: idempotence, type checks, endpoints, observation sets, atomicity. */
function createCases(get: () => GraphView): void {
  let store: GraphView;
  beforeEach(() => {
    store = get();
  });
  const seed = () => seedGraph(store);

  it('creates entities idempotently and reports only the new ones', async () => {
    const first = await store.createEntities([ent('Alice', 'person', 'a', 'b', 'a'), ent('Acme', 'company')]);
    expect(first.map((e) => e.name).sort()).toEqual(['Acme', 'Alice']);
    expect(first.find((e) => e.name === 'Alice')?.observations).toEqual(['a', 'b']);
    const again = await store.createEntities([ent('Alice', 'robot', 'c'), ent('Bob', 'person')]);
    expect(again.map((e) => e.name)).toEqual(['Bob']);
    const { entities } = await store.openNodes(['Alice']);
    expect(entities).toEqual([ent('Alice', 'person', 'a', 'b')]);
  });

  it('rejects types that are not identifiers, and stores nothing', async () => {
    await expect(store.createEntities([ent('X', 'bad type')])).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    await expect(store.createEntities([ent('X', 'Person`) DETACH DELETE (n')])).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    await store.createEntities([ent('A', 'thing'), ent('B', 'thing')]);
    await expect(store.createRelations([{ from: 'A', to: 'B', type: 'x-y' }])).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    const s = await store.stats();
    expect([s.entities, s.relations]).toEqual([2, 0]);
  });

  it('creates relations idempotently, needing both endpoints', async () => {
    await seed();
    const again = await store.createRelations([
      { from: 'Alice', to: 'Acme', type: 'works_at' },
      { from: 'Acme', to: 'Bob', type: 'employs' },
    ]);
    expect(again).toEqual([{ from: 'Acme', to: 'Bob', type: 'employs' }]);
    await expect(store.createRelations([{ from: 'Alice', to: 'Nobody', type: 'knows' }, { from: 'Bob', to: 'Alice', type: 'knows' }])).rejects.toMatchObject({
      code: 'LLMOS_EINVAL',
      message: expect.stringContaining('Nobody'),
    });
    expect((await store.stats()).relations).toBe(4); // all or nothing: Bob->Alice was not added
  });

  it('adds observations as a set, atomically, failing on unknown entities', async () => {
    await seed();
    const added = await store.addObservations([{ name: 'Bob', observations: ['plays chess', 'likes jazz', 'likes jazz'] }]);
    expect(added).toEqual([{ name: 'Bob', observations: ['likes jazz'] }]);
    await expect(store.addObservations([{ name: 'Bob', observations: ['x'] }, { name: 'Ghost', observations: ['y'] }])).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    const { entities } = await store.openNodes(['Bob']);
    expect(entities[0].observations).toEqual(['plays chess', 'likes jazz']);
  });
}

/** Deletes, and concurrent writers. */
function changeCases(get: () => GraphView): void {
  let store: GraphView;
  beforeEach(() => {
    store = get();
  });
  const seed = () => seedGraph(store);

  it('deletes observations, relations and entities (cascading to relations)', async () => {
    await seed();
    expect(await store.deleteObservations([{ name: 'Alice', observations: ['works remotely', 'never said'] }, { name: 'Ghost', observations: ['x'] }])).toBe(1);
    expect((await store.openNodes(['Alice'])).entities[0].observations).toEqual(['likes green tea']);
    expect(await store.deleteRelations([{ from: 'Alice', to: 'Bob', type: 'knows' }, { from: 'Alice', to: 'Bob', type: 'hates' }])).toBe(1);
    expect(await store.deleteEntities(['Acme', 'Ghost'])).toBe(1);
    const s = await store.stats();
    expect([s.entities, s.relations, s.observations]).toEqual([2, 0, 2]);
  });


  it('survives concurrent writers in the same process without losing writes', async () => {
    await store.createEntities([ent('Hub', 'thing')]);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        Promise.all([store.createEntities([ent(`N${i}`, 'thing')]), store.addObservations([{ name: 'Hub', observations: [`o${i}`] }])]),
      ),
    );
    const s = await store.stats();
    expect([s.entities, s.observations]).toEqual([21, 20]);
  });
}

/** Open and search. */
function searchCases(get: () => GraphView): void {
  let store: GraphView;
  beforeEach(() => {
    store = get();
  });
  const seed = () => seedGraph(store);

  it('opens nodes with every relation touching them; unknown names are ignored', async () => {
    await seed();
    const g = await store.openNodes(['Bob', 'Ghost']);
    expect(g.entities).toEqual([ent('Bob', 'person', 'plays chess')]);
    expect(sortRel(g.relations)).toEqual(sortRel([
      { from: 'Alice', to: 'Bob', type: 'knows' },
      { from: 'Bob', to: 'Acme', type: 'works_at' },
    ]));
  });

  it('searches word prefixes in name, type and observations, case-insensitively, with a limit', async () => {
    await seed();
    const byName = await store.search('ali', 10);
    expect(byName.entities.map((e) => e.name)).toEqual(['Alice']);
    expect((await store.search('ANVILS', 10)).entities.map((e) => e.name)).toEqual(['Acme']);
    expect((await store.search('company', 10)).entities.map((e) => e.name)).toEqual(['Acme']);
    const any = await store.search('chess tea', 10);
    expect(any.entities.map((e) => e.name).sort()).toEqual(['Alice', 'Bob']);
    expect(sortRel(any.relations)).toEqual([{ from: 'Alice', to: 'Bob', type: 'knows' }]);
    expect((await store.search('person', 1)).entities).toHaveLength(1);
    expect((await store.search('zebra', 10)).entities).toEqual([]);
  });

  it('treats search syntax as plain words', async () => {
    await seed();
    for (const q of ['"', 'tea AND NOT', '(chess', 'a:b', '*', '\\', 'tea~2^3 OR', 'NEAR(tea chess)', '{} [] !?'])
      await expect(store.search(q, 5), q).resolves.toBeDefined();
    expect((await store.search('(chess)', 5)).entities.map((e) => e.name)).toEqual(['Bob']);
    expect((await store.search('   ', 5)).entities).toEqual([]);
  });
}

/** Pages, names, odd texts and stats. */
function pageCases(get: () => GraphView): void {
  let store: GraphView;
  beforeEach(() => {
    store = get();
  });
  const seed = () => seedGraph(store);

  it('reads pages in name order with outgoing relations, and names with a prefix', async () => {
    await seed();
    const p1 = await store.readPage({ limit: 2 });
    expect(p1.entities.map((e) => e.name)).toEqual(['Acme', 'Alice']);
    expect(sortRel(p1.relations)).toEqual(sortRel([{ from: 'Alice', to: 'Acme', type: 'works_at' }, { from: 'Alice', to: 'Bob', type: 'knows' }]));
    const p2 = await store.readPage({ after: 'Alice', limit: 2 });
    expect(p2.entities.map((e) => e.name)).toEqual(['Bob']);
    expect(await store.names({ limit: 10 })).toEqual(['Acme', 'Alice', 'Bob']);
    expect(await store.names({ limit: 10, prefix: 'A' })).toEqual(['Acme', 'Alice']);
    expect(await store.names({ limit: 10, prefix: 'A', after: 'Acme' })).toEqual(['Alice']);
  });

  it('keeps odd names and texts verbatim (quotes, backticks, unicode)', async () => {
    const odd = ["O'Brien \"the `tick`\"", 'Zoë 🦊', 'a\\b'];
    await store.createEntities(odd.map((n) => ent(n, 'thing', `about ${n}`)));
    await store.createRelations([{ from: odd[0], to: odd[1], type: 'knows' }]);
    const g = await store.openNodes(odd);
    expect(g.entities.map((e) => e.name).sort()).toEqual([...odd].sort());
    expect(g.relations).toEqual([{ from: odd[0], to: odd[1], type: 'knows' }]);
    expect((await store.search('zoë', 5)).entities.map((e) => e.name)).toEqual(['Zoë 🦊']);
  });

  it('counts entities, relations, observations and types', async () => {
    await seed();
    const s = await store.stats();
    expect(s).toMatchObject({ store: store.kind, entities: 3, relations: 3, observations: 4 });
    expect(s.entity_types).toEqual([{ type: 'person', count: 2 }, { type: 'company', count: 1 }]);
    expect(s.relation_types).toEqual([{ type: 'works_at', count: 2 }, { type: 'knows', count: 1 }]);
  });
}

export function kgStoreContract(label: string, make: StoreFactory): void {
  describe(`KnowledgeStore contract: ${label}`, () => {
    let store: KnowledgeStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => cleanup());
    for (const cases of [createCases, changeCases, searchCases, pageCases]) cases(() => inGraph(store, 'user:alice'));
    for (const cases of [isolationCases, readBoundCases]) cases(() => store);
  });
}
