import { z, KG_TYPE_PATTERN, type KgEntity, type KgRelation } from '../../src/plugin-api/index.js';

/**
 * Wire shapes of the kg_* syscalls. Field names follow the reference MCP
 * memory server (entityType, relationType, entityName, contents, …) so a
 * client can switch servers without changing its prompts.
 */
export const limits = {
  maxItems: 1000,
  maxNameChars: 512,
  maxObservationChars: 16_384,
  /** Serialized size of one kg_read_graph / kg_search / kg_open_nodes answer (~12k tokens). */
  maxAnswerBytes: 48 * 1024,
  defaultPage: 50,
  maxPage: 500,
  defaultSearch: 10,
  maxSearch: 100,
} as const;

export const Name = z.string().min(1).max(limits.maxNameChars).describe('Entity name, unique and case-sensitive.');
const TypeName = (what: string) =>
  z.string().regex(KG_TYPE_PATTERN, 'letters, digits and underscores, not starting with a digit').max(128).describe(`${what} type, an identifier such as "person" or "works_at".`);
const Observation = z.string().min(1).max(limits.maxObservationChars);

export const EntityWire = z.object({
  name: Name,
  entityType: TypeName('Entity'),
  observations: z.array(Observation).max(limits.maxItems).default([]),
});
export const RelationWire = z.object({
  from: Name.describe('Name of the entity the relation starts at.'),
  to: Name.describe('Name of the entity the relation points to.'),
  relationType: TypeName('Relation').describe('Relation type in active voice, e.g. "works_at".'),
});
export const ObservationsWire = z.object({ entityName: Name, contents: z.array(Observation).min(1).max(limits.maxItems) });
export const DeletionWire = z.object({ entityName: Name, observations: z.array(Observation).min(1).max(limits.maxItems) });

export const Items = <T extends z.ZodType>(t: T) => z.array(t).min(1).max(limits.maxItems);

/** Output shapes are looser than inputs: a store may hold data written by other tools. */
const GraphOut = z.string().optional().describe('The graph it is in, when not your own: "shared", or an owner id.');
const EntityOut = z.object({ name: z.string(), entityType: z.string(), observations: z.array(z.string()), graph: GraphOut });
const RelationOut = z.object({ from: z.string(), to: z.string(), relationType: z.string(), graph: GraphOut });

/** An answer that may have been cut to fit maxAnswerBytes. */
export const SubgraphOut = z.object({
  entities: z.array(EntityOut),
  relations: z.array(RelationOut),
  truncated: z.boolean().describe('True when entities or observations were left out to keep the answer small.'),
  note: z.string().optional(),
});

const graphOf = (x: { graph?: string }) => (x.graph === undefined ? {} : { graph: x.graph });
export const toWireEntity = (e: KgEntity & { graph?: string }) => ({ name: e.name, entityType: e.type, observations: e.observations, ...graphOf(e) });
export const toWireRelation = (r: KgRelation & { graph?: string }) => ({ from: r.from, to: r.to, relationType: r.type, ...graphOf(r) });
export const fromWireEntity = (e: z.output<typeof EntityWire>): KgEntity => ({ name: e.name, type: e.entityType, observations: e.observations });
export const fromWireRelation = (r: z.output<typeof RelationWire>): KgRelation => ({ from: r.from, to: r.to, type: r.relationType });

const TypeCount = z.object({ type: z.string(), count: z.number().int() });
export const StatsOut = z.object({
  store: z.string(),
  entities: z.number().int(),
  relations: z.number().int(),
  observations: z.number().int(),
  entity_types: z.array(TypeCount),
  relation_types: z.array(TypeCount),
});
export const SchemaOut = z.object({ entity_types: z.array(TypeCount), relation_types: z.array(TypeCount), native: z.record(z.string(), z.unknown()) });
