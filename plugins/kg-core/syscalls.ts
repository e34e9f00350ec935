import { defineSyscall, z, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { decodeCursor, encodeCursor, fitAnswer } from './answer.js';
import { DeletionWire, EntityWire, Items, Name, ObservationsWire, RelationWire, StatsOut, SubgraphOut, fromWireEntity, fromWireRelation, limits, toWireEntity, toWireRelation } from './schemas.js';

/** What the syscalls need from kg-core: the active store, and a way to announce changed entities. */
export interface KgDeps {
  store(): KnowledgeStore;
  changed(names: string[]): void;
}

const write = { readOnlyHint: false, destructiveHint: false, idempotentHint: true } as const;
const destroy = { readOnlyHint: false, destructiveHint: true, idempotentHint: true } as const;
const read = { readOnlyHint: true, idempotentHint: true } as const;

const Deleted = z.object({ deleted: z.number().int() });

/** The ten kg_* syscalls of the reference memory server's tool set, on any KnowledgeStore. */
export const kgSyscalls = ({ store, changed }: KgDeps) => [
  defineSyscall({
    name: 'kg_create_entities',
    title: 'Create entities',
    description: 'Creates entities in the knowledge graph. Existing names are left unchanged (use kg_add_observations to add facts). Returns the entities that were new.',
    input: z.object({ entities: Items(EntityWire) }),
    output: z.object({ created: z.array(EntityWire.extend({ observations: z.array(z.string()) })) }),
    annotations: write,
    async handler({ entities }) {
      const created = await store().createEntities(entities.map(fromWireEntity));
      changed(created.map((e) => e.name));
      return { created: created.map(toWireEntity) };
    },
  }),
  defineSyscall({
    name: 'kg_create_relations',
    title: 'Create relations',
    description: 'Creates directed relations between existing entities (from → to, relationType in active voice). Existing relations are skipped; a missing entity fails the whole call with LLMOS_EINVAL.',
    input: z.object({ relations: Items(RelationWire) }),
    output: z.object({ created: z.array(RelationWire) }),
    annotations: write,
    async handler({ relations }) {
      const created = await store().createRelations(relations.map(fromWireRelation));
      changed(created.flatMap((r) => [r.from, r.to]));
      return { created: created.map(toWireRelation) };
    },
  }),
  defineSyscall({
    name: 'kg_add_observations',
    title: 'Add observations',
    description: 'Adds facts (observations) to existing entities; duplicates are ignored. Returns the observations that were new, per entity.',
    input: z.object({ observations: Items(ObservationsWire) }),
    output: z.object({ added: z.array(z.object({ entityName: z.string(), addedObservations: z.array(z.string()) })) }),
    annotations: write,
    async handler({ observations }) {
      const added = await store().addObservations(observations.map((o) => ({ name: o.entityName, observations: o.contents })));
      changed(added.filter((a) => a.observations.length).map((a) => a.name));
      return { added: added.map((a) => ({ entityName: a.name, addedObservations: a.observations })) };
    },
  }),
  defineSyscall({
    name: 'kg_delete_entities',
    title: 'Delete entities',
    description: 'Deletes entities and every relation touching them. Unknown names are ignored.',
    input: z.object({ entityNames: Items(Name) }),
    output: Deleted,
    annotations: destroy,
    async handler({ entityNames }) {
      const deleted = await store().deleteEntities(entityNames);
      changed(entityNames);
      return { deleted };
    },
  }),
  defineSyscall({
    name: 'kg_delete_observations',
    title: 'Delete observations',
    description: 'Deletes the given observations from entities. Unknown entities and observations are ignored.',
    input: z.object({ deletions: Items(DeletionWire) }),
    output: Deleted,
    annotations: destroy,
    async handler({ deletions }) {
      const deleted = await store().deleteObservations(deletions.map((d) => ({ name: d.entityName, observations: d.observations })));
      changed(deletions.map((d) => d.entityName));
      return { deleted };
    },
  }),
  defineSyscall({
    name: 'kg_delete_relations',
    title: 'Delete relations',
    description: 'Deletes the given relations. Unknown ones are ignored.',
    input: z.object({ relations: Items(RelationWire) }),
    output: Deleted,
    annotations: destroy,
    async handler({ relations }) {
      const deleted = await store().deleteRelations(relations.map(fromWireRelation));
      changed(relations.flatMap((r) => [r.from, r.to]));
      return { deleted };
    },
  }),
  defineSyscall({
    name: 'kg_search',
    title: 'Search the graph',
    description: 'Finds entities whose name, type or observations contain words starting with the query words (any word, case-insensitive), best first, with the relations among them.',
    input: z.object({
      query: z.string().min(1).max(1000),
      limit: z.number().int().min(1).max(limits.maxSearch).default(limits.defaultSearch),
    }),
    output: SubgraphOut,
    annotations: read,
    async handler({ query, limit }) {
      const { last: _, ...answer } = fitAnswer(await store().search(query, limit));
      return answer;
    },
  }),
  defineSyscall({
    name: 'kg_open_nodes',
    title: 'Open entities',
    description: 'Returns the named entities with their observations and every relation touching them. Unknown names are left out.',
    input: z.object({ names: z.array(Name).min(1).max(limits.maxSearch) }),
    output: SubgraphOut,
    annotations: read,
    async handler({ names }) {
      const { last: _, ...answer } = fitAnswer(await store().openNodes(names));
      return answer;
    },
  }),
  defineSyscall({
    name: 'kg_read_graph',
    title: 'Read the graph, a page at a time',
    description:
      'Reads entities in name order with their outgoing relations, one page at a time (pages are also cut at about 48 KB). Pass next_cursor back as cursor for the next page; null means the end. names_only returns just names, for a cheap overview.',
    input: z.object({
      cursor: z.string().max(4096).optional().describe('next_cursor from the previous page; omit for the first page.'),
      limit: z.number().int().min(1).max(limits.maxPage).default(limits.defaultPage),
      names_only: z.boolean().default(false),
    }),
    output: SubgraphOut.partial({ entities: true, relations: true }).extend({
      names: z.array(z.string()).optional(),
      next_cursor: z.string().nullable(),
    }),
    annotations: read,
    async handler({ cursor, limit, names_only }) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (names_only) {
        const names = await store().names({ after, limit });
        return { names, truncated: false, next_cursor: names.length === limit ? encodeCursor(names.at(-1)!) : null };
      }
      const page = await store().readPage({ after, limit });
      const { last, ...answer } = fitAnswer(page, limits.maxAnswerBytes, 'from');
      const more = page.entities.length === limit || answer.entities.length < page.entities.length;
      return { ...answer, next_cursor: more && last !== undefined ? encodeCursor(last) : null };
    },
  }),
  defineSyscall({
    name: 'kg_stats',
    title: 'Knowledge graph statistics',
    description: 'Counts entities, relations and observations, and the most frequent entity and relation types, of the active store.',
    input: z.object({}),
    output: StatsOut,
    annotations: read,
    handler: () => store().stats(),
  }),
];
