/**
 * Contract cases for graphs and read bounds (see src/core/knowledge.ts):
 * alice's and bob's graphs in ONE store stay apart (names are per graph, and
 * no call of alice's reads, searches, opens, relates to, changes or deletes
 * bob's entities); searches and reads are bounded.
 */
import { beforeEach, expect, it } from 'vitest';
import { KG_SEARCH_LIMITS, KG_SHARED_GRAPH, type KgEntity, type KnowledgeStore } from '../index.js';
import { inGraph, type GraphView } from './knowledge-view.js';

const ALICE = 'user:alice';
const BOB = 'user:bob';
const ent = (name: string, type: string, ...observations: string[]): KgEntity => ({ name, type, observations });

/** Everything bob's graph holds, as one comparable value. */
async function snapshot(g: GraphView) {
  const page = await g.readPage({ limit: 1000 });
  return { page, stats: await g.stats() };
}

export function isolationCases(get: () => KnowledgeStore): void {
  let alice: GraphView;
  let bob: GraphView;
  beforeEach(async () => {
    alice = inGraph(get(), ALICE);
    bob = inGraph(get(), BOB);
    await bob.createEntities([ent('Paris', 'city', 'bob was here'), ent('Diary', 'secret', 'bob hides zeppelins')]);
    await bob.createRelations([{ from: 'Diary', to: 'Paris', type: 'mentions' }]);
  });

  it('keeps names per graph: alice and bob may both have "Paris"', async () => {
    expect(await alice.createEntities([ent('Paris', 'city', 'alice lives here')])).toHaveLength(1);
    await alice.createEntities([ent('France', 'country')]);
    await alice.createRelations([{ from: 'Paris', to: 'France', type: 'in' }]);
    expect((await alice.openNodes(['Paris'])).entities).toEqual([ent('Paris', 'city', 'alice lives here')]);
    const bobs = await bob.openNodes(['Paris']);
    expect(bobs.entities).toEqual([ent('Paris', 'city', 'bob was here')]);
    expect(bobs.relations).toEqual([{ from: 'Diary', to: 'Paris', type: 'mentions' }]);
    expect(await alice.deleteEntities(['Paris'])).toBe(1);
    expect((await bob.openNodes(['Paris'])).entities).toHaveLength(1);
    expect((await inGraph(get(), KG_SHARED_GRAPH).stats()).entities).toBe(0);
  });

  it("does not let alice read, search, list or count bob's entities", async () => {
    expect((await alice.openNodes(['Diary', 'Paris'])).entities).toEqual([]);
    expect((await alice.search('zeppelins diary secret paris', 10)).entities).toEqual([]);
    expect(await alice.names({ limit: 10 })).toEqual([]);
    expect((await alice.readPage({ limit: 10 })).entities).toEqual([]);
    expect(await alice.stats()).toMatchObject({ entities: 0, relations: 0, observations: 0, entity_types: [], relation_types: [] });
  });

  it("does not let alice relate to, add to, or delete bob's entities, and changes nothing of his", async () => {
    const before = await snapshot(bob);
    await alice.createEntities([ent('Mallory', 'person')]);
    await expect(alice.createRelations([{ from: 'Mallory', to: 'Diary', type: 'reads' }])).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    await expect(alice.addObservations([{ name: 'Diary', observations: ['planted'] }])).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    expect(await alice.deleteObservations([{ name: 'Diary', observations: ['bob hides zeppelins'] }])).toBe(0);
    expect(await alice.deleteRelations([{ from: 'Diary', to: 'Paris', type: 'mentions' }])).toBe(0);
    expect(await alice.deleteEntities(['Diary', 'Paris'])).toBe(0);
    expect(await snapshot(bob)).toEqual(before);
  });

  it('keeps the shared graph apart from owners’ graphs', async () => {
    const shared = inGraph(get(), KG_SHARED_GRAPH);
    await shared.createEntities([ent('Paris', 'city', 'capital of France')]);
    expect((await bob.openNodes(['Paris'])).entities[0].observations).toEqual(['bob was here']);
    expect((await shared.search('bob', 10)).entities).toEqual([]);
    expect((await shared.openNodes(['Paris'])).relations).toEqual([]);
  });
}

export function readBoundCases(get: () => KnowledgeStore): void {
  let g: GraphView;
  beforeEach(() => {
    g = inGraph(get(), ALICE);
  });

  it(`refuses a search of more than ${KG_SEARCH_LIMITS.maxWords} words with LLMOS_EINVAL, and takes ${KG_SEARCH_LIMITS.maxWords}`, async () => {
    await g.createEntities([ent('Alpha', 'thing', 'hello')]);
    const many = 'a b c d e f g h i j k l m n o p'.split(' ');
    await expect(g.search(many.join(' '), 5)).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/at most 8 distinct words.*; search with/) });
    await expect(g.search(['hello', ...many.slice(0, KG_SEARCH_LIMITS.maxWords - 1)].join(' '), 5)).resolves.toMatchObject({ entities: [ent('Alpha', 'thing', 'hello')] });
  });

  it('matches a one-character word as a whole word, not as a prefix', async () => {
    await g.createEntities([ent('Vitamins', 'thing', 'vitamin c and b'), ent('Cheese', 'thing', 'cheddar comes from cows')]);
    expect((await g.search('c', 10)).entities.map((e) => e.name)).toEqual(['Vitamins']);
    expect((await g.search('ch', 10)).entities.map((e) => e.name)).toEqual(['Cheese']);
  });

  it('stops loading observations past maxChars, cutting the first entity and leaving later ones out', async () => {
    const long = (c: string) => c.repeat(100);
    await g.createEntities([ent('Small', 'thing', long('s')), ent('Big', 'thing', long('a'), long('b'), long('c'))]);
    const cut = await g.openNodes(['Big'], 150);
    expect(cut).toMatchObject({ entities: [ent('Big', 'thing', long('a'))], truncated: true });
    const two = await g.openNodes(['Small', 'Big'], 150);
    expect(two).toMatchObject({ entities: [ent('Small', 'thing', long('s'))], truncated: true });
    const whole = await g.openNodes(['Small', 'Big']);
    expect(whole.entities.map((e) => e.observations.length)).toEqual([1, 3]);
    expect(whole.truncated ?? false).toBe(false);
    expect((await g.readPage({ limit: 10, maxChars: 150 })).entities.map((e) => e.name)).toEqual(['Big']);
  });
}
