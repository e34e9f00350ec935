import { TOKENS } from './tokens.js';
import { LlmosError } from './errors.js';

/**
 * The knowledge-graph extension point. A store holds entities (a unique name,
 * a type, a list of observation strings) and directed, typed relations
 * between entities. kg-core turns a store into the kg_* syscalls and the
 * llmos://kg resources; store plugins (kg-embedded, kg-neo4j) only implement
 * this interface and provide it under KG_STORE_TOKEN in register().
 *
 * Exactly one store is active: a store plugin that finds the token already
 * provided fails with LLMOS_EPLUGIN (see claimKgStore).
 */

/** Entity and relation types: identifiers, so Neo4j can use them as labels and relationship types. */
export const KG_TYPE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The DI token under which the active store is provided. */
export const KG_STORE_TOKEN = TOKENS.KgStore;

export interface KgEntity {
  name: string;
  type: string;
  observations: string[];
}

export interface KgRelation {
  from: string;
  to: string;
  type: string;
}

export interface KgObservations {
  name: string;
  observations: string[];
}

/** Entities plus the relations among them (both endpoints in `entities`, or touching them for open). */
export interface KgSubgraph {
  entities: KgEntity[];
  relations: KgRelation[];
}

export interface KgReadOptions {
  /** Entity name after which the page starts (exclusive); undefined starts at the beginning. */
  after?: string;
  limit: number;
}

export interface KgTypeCount {
  type: string;
  count: number;
}

export interface KgStats {
  store: string;
  entities: number;
  relations: number;
  observations: number;
  /** Most frequent first, at most 50. */
  entity_types: KgTypeCount[];
  relation_types: KgTypeCount[];
}

export interface KgSchema {
  entity_types: KgTypeCount[];
  relation_types: KgTypeCount[];
  /** Store-native detail (labels, property keys, indexes). */
  native: Record<string, unknown>;
}

export interface KgCypherOptions {
  params?: Record<string, unknown>;
  timeoutMs: number;
  /** Rows returned at most; more are dropped and `truncated` is set. */
  maxRows: number;
  /** Serialized bytes returned at most. */
  maxBytes: number;
}

export interface KgCypherResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  truncated: boolean;
  /** Says what was cut and how to ask for less, when truncated. */
  note?: string;
}

/**
 * Contract every store honours (the contract suite in test/unit/kg checks it):
 * - names are case-sensitive and unique; types match KG_TYPE_PATTERN, else LLMOS_EINVAL;
 * - creates are idempotent: an existing entity or relation is left as it is and
 *   not reported as created; observations are a set (duplicates dropped, order kept);
 * - relations need both endpoints to exist, else LLMOS_EINVAL naming the missing ones;
 *   deleting an entity deletes its relations;
 * - addObservations on an unknown entity fails with LLMOS_EINVAL and adds nothing;
 *   deletes of unknown things are no-ops;
 * - every call is atomic (all or nothing) and safe against concurrent writers;
 * - search matches query words as case-insensitive word prefixes in name, type
 *   or observations, any word suffices, best matches first;
 * - a store that cannot reach its backend throws LLMOS_EKGUNAVAILABLE.
 */
export interface KnowledgeStore {
  /** "embedded", "neo4j", … — shown in kg_stats. */
  readonly kind: string;
  /** Returns the entities that did not exist before. */
  createEntities(entities: KgEntity[]): Promise<KgEntity[]>;
  /** Returns the relations that did not exist before. */
  createRelations(relations: KgRelation[]): Promise<KgRelation[]>;
  /** Returns, per entity, the observations that were new. */
  addObservations(items: KgObservations[]): Promise<KgObservations[]>;
  /** Returns how many entities were deleted. */
  deleteEntities(names: string[]): Promise<number>;
  /** Returns how many observations were deleted. */
  deleteObservations(items: KgObservations[]): Promise<number>;
  /** Returns how many relations were deleted. */
  deleteRelations(relations: KgRelation[]): Promise<number>;
  /** Up to `limit` entities, best first, and the relations among them. */
  search(query: string, limit: number): Promise<KgSubgraph>;
  /** The named entities that exist, and every relation touching one of them. */
  openNodes(names: string[]): Promise<KgSubgraph>;
  /** A page of entities in name order, and the relations whose `from` is on the page. */
  readPage(opts: KgReadOptions): Promise<KgSubgraph>;
  /** Names in name order after `after`, for names-only reads. */
  names(opts: KgReadOptions & { prefix?: string }): Promise<string[]>;
  stats(): Promise<KgStats>;
  /** Optional: a description of the stored schema (kg_schema). */
  schema?(): Promise<KgSchema>;
  /** Optional: a read-only native query (kg_cypher_read). Must refuse writes with LLMOS_EPERM. */
  cypherRead?(query: string, opts: KgCypherOptions): Promise<KgCypherResult>;
  close(): Promise<void>;
}

/** Throws LLMOS_EINVAL unless `type` is an identifier (KG_TYPE_PATTERN). */
export function assertKgType(type: string, what: 'entity' | 'relation'): void {
  if (!KG_TYPE_PATTERN.test(type))
    throw new LlmosError('LLMOS_EINVAL', `${what} type "${type}" is not allowed; use letters, digits and underscores, starting with a letter or underscore (e.g. "person", "works_at").`);
}

/** Minimal view of a plugin scope, so this file does not depend on plugin.ts. */
interface ScopeLike {
  readonly name: string;
  provide<T>(token: symbol, value: T): void;
  resolve<T>(token: symbol): T;
}

/**
 * Provides `store` as the active knowledge store; fails with LLMOS_EPLUGIN
 * when another plugin already provided one, so two stores never both take writes.
 */
export function claimKgStore(scope: ScopeLike, store: KnowledgeStore): void {
  let other: KnowledgeStore | undefined;
  try {
    other = scope.resolve<KnowledgeStore>(KG_STORE_TOKEN);
  } catch {
    other = undefined;
  }
  if (other)
    throw new LlmosError('LLMOS_EPLUGIN', `plugin "${scope.name}": a knowledge store ("${other.kind}") is already enabled; enable only one of kg-embedded and kg-neo4j in llmos.plugins.json.`);
  scope.provide(KG_STORE_TOKEN, store);
}

/**
 * The words of a search query, as both stores match them: runs of letters,
 * digits and underscores, lower-cased, at most 16, duplicates dropped.
 */
export function kgSearchWords(query: string): string[] {
  return [...new Set(query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])].slice(0, 16);
}
