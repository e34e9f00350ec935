import { createHash } from 'node:crypto';
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
  /** Set when the store left out entities or observations to stay within maxChars. */
  truncated?: boolean;
}

export interface KgReadOptions {
  /** Entity name after which the page starts (exclusive); undefined starts at the beginning. */
  after?: string;
  limit: number;
  /** Observation text to load at most (see KG_READ_MAX_CHARS, the default). */
  maxChars?: number;
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
 * Every entity lives in one graph: an owner's private graph (its id is the
 * owner, e.g. "user:alice") or the shared graph (KG_SHARED_GRAPH). Who may
 * read or write which graph is kg-core's decision (graph-policy.ts); a store
 * only keeps graphs apart.
 */
export const KG_SHARED_GRAPH = '@shared';

/**
 * A graph's search token: one lower-case alphanumeric word whatever the graph
 * id holds, so a fulltext index (SQLite FTS5, Lucene) keeps it whole and a
 * search can require it through the index.
 */
export const kgGraphKey = (graph: string): string => `g${createHash('sha256').update(graph).digest('hex').slice(0, 32)}`;

/**
 * Observation text a read loads at most, by default (characters, summed over
 * the answer). A store stops reading observation rows past it (see
 * KgSubgraph.truncated), so a read costs about the size of its answer, never
 * the size of the entities it names. kg_export passes Infinity.
 */
export const KG_READ_MAX_CHARS = 64 * 1024;

/** Bounds on one search, so its cost does not grow with the query (refused with LLMOS_EINVAL past them). */
export const KG_SEARCH_LIMITS = {
  /** Distinct words a query may have. */
  maxWords: 8,
  /** Words shorter than this match whole words only, not as prefixes (a 1-letter prefix matches most of a graph). */
  minPrefixChars: 2,
  /** Matching entities a store ranks at most; the best `limit` of them are returned. */
  maxCandidates: 2_000,
} as const;

/**
 * Contract every store honours (the contract suite in src/plugin-api/testing/knowledge.ts checks it):
 * - every call names one graph (an owner id or KG_SHARED_GRAPH); graphs are
 *   apart: a name is unique per graph (two graphs may both hold "Paris"),
 *   relations join entities of the same graph only, and no call reads,
 *   changes or counts anything outside its graph;
 * - names are case-sensitive; types match KG_TYPE_PATTERN, else LLMOS_EINVAL;
 * - creates are idempotent: an existing entity or relation is left as it is and
 *   not reported as created; observations are a set (duplicates dropped, order kept);
 * - relations need both endpoints to exist in the graph, else LLMOS_EINVAL naming the missing ones;
 *   deleting an entity deletes its relations;
 * - addObservations on an unknown entity fails with LLMOS_EINVAL and adds nothing;
 *   deletes of unknown things are no-ops;
 * - every call is atomic (all or nothing) and safe against concurrent writers;
 * - search matches the words of kgSearchTerms (prefixes, or whole words when
 *   short) case-insensitively in name, type or observations, any word
 *   suffices, best first among at most KG_SEARCH_LIMITS.maxCandidates matches;
 * - reads that return entities load at most about `maxChars` of observation
 *   text (default KG_READ_MAX_CHARS): the first entity may be cut, later ones
 *   that do not fit are left out, and `truncated` is set;
 * - a store that cannot reach its backend throws LLMOS_EKGUNAVAILABLE.
 */
export interface KnowledgeStore {
  /** "embedded", "neo4j", … — shown in kg_stats. */
  readonly kind: string;
  /** Returns the entities that did not exist before. */
  createEntities(graph: string, entities: KgEntity[]): Promise<KgEntity[]>;
  /** Returns the relations that did not exist before. */
  createRelations(graph: string, relations: KgRelation[]): Promise<KgRelation[]>;
  /** Returns, per entity, the observations that were new. */
  addObservations(graph: string, items: KgObservations[]): Promise<KgObservations[]>;
  /** Returns how many entities were deleted. */
  deleteEntities(graph: string, names: string[]): Promise<number>;
  /** Returns how many observations were deleted. */
  deleteObservations(graph: string, items: KgObservations[]): Promise<number>;
  /** Returns how many relations were deleted. */
  deleteRelations(graph: string, relations: KgRelation[]): Promise<number>;
  /** Up to `limit` entities, best first, and the relations among them. */
  search(graph: string, query: string, limit: number, maxChars?: number): Promise<KgSubgraph>;
  /** The named entities that exist, in the order named, and every relation touching one of them. */
  openNodes(graph: string, names: string[], maxChars?: number): Promise<KgSubgraph>;
  /** A page of entities in name order, and the relations whose `from` is on the page. */
  readPage(graph: string, opts: KgReadOptions): Promise<KgSubgraph>;
  /** Names in name order after `after`, for names-only reads. */
  names(graph: string, opts: KgReadOptions & { prefix?: string }): Promise<string[]>;
  stats(graph: string): Promise<KgStats>;
  /** Optional: a description of the graph's schema (kg_schema). */
  schema?(graph: string): Promise<KgSchema>;
  /**
   * Optional: a read-only native query (kg_cypher_read) over the whole
   * database, every graph included (kg-core offers it to admins only). Must
   * refuse writes with LLMOS_EPERM.
   */
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

/** One search word; `prefix` false means whole words only. */
export interface KgSearchTerm {
  word: string;
  prefix: boolean;
}

/**
 * The terms of a search query, as every store matches them: runs of letters,
 * digits and underscores, lower-cased, duplicates dropped; words shorter than
 * KG_SEARCH_LIMITS.minPrefixChars match whole words only. More than
 * KG_SEARCH_LIMITS.maxWords words fail with LLMOS_EINVAL.
 */
export function kgSearchTerms(query: string): KgSearchTerm[] {
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])];
  if (words.length > KG_SEARCH_LIMITS.maxWords)
    throw new LlmosError('LLMOS_EINVAL', `a knowledge-graph search takes at most ${KG_SEARCH_LIMITS.maxWords} distinct words (got ${words.length}); search with the few most telling words, or run several searches.`, { max_words: KG_SEARCH_LIMITS.maxWords });
  return words.map((word) => ({ word, prefix: [...word].length >= KG_SEARCH_LIMITS.minPrefixChars }));
}

/**
 * Keeps entities (in order) while their observation text stays within
 * `maxChars`: the first entity is cut to fit, a later one that does not fit
 * ends the list. For stores that read entities whole (the observation list is
 * one value); a store that reads observations row by row should stop reading
 * instead (kg-embedded does).
 */
export function cutEntities(entities: KgEntity[], maxChars: number = KG_READ_MAX_CHARS): { entities: KgEntity[]; truncated: boolean } {
  const out: KgEntity[] = [];
  let used = 0;
  for (const e of entities) {
    const size = e.observations.reduce((n, o) => n + o.length, 0);
    if (used + size <= maxChars) {
      out.push(e);
      used += size;
      continue;
    }
    if (!out.length) {
      const kept: string[] = [];
      for (const o of e.observations) {
        if (used + o.length > maxChars) break;
        kept.push(o);
        used += o.length;
      }
      out.push({ ...e, observations: kept });
    }
    return { entities: out, truncated: true };
  }
  return { entities: out, truncated: false };
}
