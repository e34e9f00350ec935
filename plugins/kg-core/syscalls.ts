import { defineSyscall, KG_SEARCH_LIMITS, z, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { readAcross } from './across.js';
import { decodeCursor, encodeCursor, fitAnswer } from './answer.js';
import { GraphArg, type GraphAccess } from './graph-policy.js';
import { DeletionWire, EntityWire, Items, Name, ObservationsWire, RelationWire, StatsOut, SubgraphOut, fromWireEntity, fromWireRelation, limits, toWireEntity, toWireRelation } from './schemas.js';

/** What the syscalls need from kg-core: the active store, who may use which graph, and a way to announce changed entities. */
export interface KgDeps {
  store(): KnowledgeStore;
  graphs: GraphAccess;
  changed(names: string[]): void;
}

const write = { readOnlyHint: false, destructiveHint: false, idempotentHint: true } as const;
const destroy = { readOnlyHint: false, destructiveHint: true, idempotentHint: true } as const;
const read = { readOnlyHint: true, idempotentHint: true } as const;

const Deleted = z.object({ deleted: z.number().int() });
const WriteGraph = GraphArg.optional().describe('The graph to change: "own" (yours, the default), "shared" (admins only), or an owner id (admins only).');
const ReadGraph = GraphArg.optional().describe('The graph to read: "own" (yours, the default), "shared", or an owner id (admins only).');
const ReadGraphs = GraphArg.optional().describe('Omit to read your own graph, then the shared one (entities from it say graph: "shared"); or name one graph: "own", "shared", or an owner id (admins only).');

/**
 * The ten kg_* syscalls of the reference memory server's tool set, on any
 * KnowledgeStore. Each acts on the caller's own graph unless it names
 * another (graph-policy.ts decides who may); kg_search and kg_open_nodes
 * read the caller's graph and then the shared one.
 */
export const kgSyscalls = ({ store, graphs, changed }: KgDeps) => [
  defineSyscall({
    name: 'kg_create_entities',
    toolset: 'kg',
    title: 'Create entities',
    description: 'Create entities; existing names are left as they are (add facts with kg_add_observations).',
    input: z.object({ entities: Items(EntityWire), graph: WriteGraph }),
    output: z.object({ created: z.array(EntityWire.extend({ observations: z.array(z.string()) })) }),
    annotations: write,
    async handler({ entities, graph }, ctx) {
      const created = await store().createEntities(graphs.write(ctx.owner, graph), entities.map(fromWireEntity));
      changed(created.map((e) => e.name));
      return { created: created.map(toWireEntity) };
    },
  }),
  defineSyscall({
    name: 'kg_create_relations',
    toolset: 'kg',
    title: 'Create relations',
    description: 'Relate existing entities (from → to, relationType in active voice); existing relations are skipped.',
    input: z.object({ relations: Items(RelationWire), graph: WriteGraph }),
    output: z.object({ created: z.array(RelationWire) }),
    annotations: write,
    async handler({ relations, graph }, ctx) {
      const created = await store().createRelations(graphs.write(ctx.owner, graph), relations.map(fromWireRelation));
      changed(created.flatMap((r) => [r.from, r.to]));
      return { created: created.map(toWireRelation) };
    },
  }),
  defineSyscall({
    name: 'kg_add_observations',
    toolset: 'kg',
    title: 'Add observations',
    description: 'Add facts to existing entities (duplicates are ignored).',
    input: z.object({ observations: Items(ObservationsWire), graph: WriteGraph }),
    output: z.object({ added: z.array(z.object({ entityName: z.string(), addedObservations: z.array(z.string()) })) }),
    annotations: write,
    async handler({ observations, graph }, ctx) {
      const added = await store().addObservations(graphs.write(ctx.owner, graph), observations.map((o) => ({ name: o.entityName, observations: o.contents })));
      changed(added.filter((a) => a.observations.length).map((a) => a.name));
      return { added: added.map((a) => ({ entityName: a.name, addedObservations: a.observations })) };
    },
  }),
  defineSyscall({
    name: 'kg_delete_entities',
    toolset: 'kg',
    title: 'Delete entities',
    description: 'Delete entities and their relations.',
    input: z.object({ entityNames: Items(Name), graph: WriteGraph }),
    output: Deleted,
    annotations: destroy,
    async handler({ entityNames, graph }, ctx) {
      const deleted = await store().deleteEntities(graphs.write(ctx.owner, graph), entityNames);
      changed(entityNames);
      return { deleted };
    },
  }),
  defineSyscall({
    name: 'kg_delete_observations',
    toolset: 'kg',
    title: 'Delete observations',
    description: 'Delete facts from entities.',
    input: z.object({ deletions: Items(DeletionWire), graph: WriteGraph }),
    output: Deleted,
    annotations: destroy,
    async handler({ deletions, graph }, ctx) {
      const deleted = await store().deleteObservations(graphs.write(ctx.owner, graph), deletions.map((d) => ({ name: d.entityName, observations: d.observations })));
      changed(deletions.map((d) => d.entityName));
      return { deleted };
    },
  }),
  defineSyscall({
    name: 'kg_delete_relations',
    toolset: 'kg',
    title: 'Delete relations',
    description: 'Delete relations.',
    input: z.object({ relations: Items(RelationWire), graph: WriteGraph }),
    output: Deleted,
    annotations: destroy,
    async handler({ relations, graph }, ctx) {
      const deleted = await store().deleteRelations(graphs.write(ctx.owner, graph), relations.map(fromWireRelation));
      changed(relations.flatMap((r) => [r.from, r.to]));
      return { deleted };
    },
  }),
  defineSyscall({
    name: 'kg_search',
    toolset: 'kg',
    title: 'Search the graph',
    description: 'Find entities whose name, type or facts match the query words, best first, with the relations among them.',
    input: z.object({
      query: z.string().min(1).max(1000),
      limit: z.number().int().min(1).max(limits.maxSearch).default(limits.defaultSearch),
      graph: ReadGraphs,
    }),
    output: SubgraphOut,
    annotations: read,
    async handler({ query, limit, graph }, ctx) {
      const found = await readAcross(ctx.owner, graphs.readMany(ctx.owner, graph), (g, room) => store().search(g, query, room), limit);
      const { last: _, ...answer } = fitAnswer(found);
      return answer;
    },
  }),
  defineSyscall({
    name: 'kg_open_nodes',
    toolset: 'kg',
    title: 'Open entities',
    description: 'Get named entities with their facts and relations, from your graph then the shared one.',
    input: z.object({ names: z.array(Name).min(1).max(limits.maxSearch), graph: ReadGraphs }),
    output: SubgraphOut,
    annotations: read,
    async handler({ names, graph }, ctx) {
      const found = await readAcross(ctx.owner, graphs.readMany(ctx.owner, graph), (g) => store().openNodes(g, names));
      const { last: _, ...answer } = fitAnswer(found);
      return answer;
    },
  }),
  defineSyscall({
    name: 'kg_read_graph',
    toolset: 'kg',
    title: 'Read the graph, a page at a time',
    description:
      'Page through a whole graph (pass next_cursor as cursor); names_only for a cheap overview.',
    input: z.object({
      cursor: z.string().max(4096).optional().describe('next_cursor from the previous page; omit for the first page.'),
      limit: z.number().int().min(1).max(limits.maxPage).default(limits.defaultPage),
      names_only: z.boolean().default(false),
      graph: ReadGraph,
    }),
    output: SubgraphOut.partial({ entities: true, relations: true }).extend({
      names: z.array(z.string()).optional(),
      next_cursor: z.string().nullable(),
    }),
    annotations: read,
    async handler({ cursor, limit, names_only, graph }, ctx) {
      const g = graphs.read(ctx.owner, graph);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (names_only) {
        const names = await store().names(g, { after, limit });
        return { names, truncated: false, next_cursor: names.length === limit ? encodeCursor(names.at(-1)!) : null };
      }
      const page = await store().readPage(g, { after, limit });
      const { last, ...answer } = fitAnswer(page, limits.maxAnswerBytes, 'from');
      const more = page.entities.length === limit || !!page.truncated || answer.entities.length < page.entities.length;
      return { ...answer, next_cursor: more && last !== undefined ? encodeCursor(last) : null };
    },
  }),
  defineSyscall({
    name: 'kg_stats',
    toolset: 'kg',
    title: 'Knowledge graph statistics',
    description: 'Count a graph\'s entities, relations and facts, and its most common types.',
    input: z.object({ graph: ReadGraph }),
    output: StatsOut,
    annotations: read,
    handler: ({ graph }, ctx) => store().stats(graphs.read(ctx.owner, graph)),
  }),
];
