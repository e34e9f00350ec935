import neo4j, { type Driver, type ManagedTransaction, type Session } from 'neo4j-driver';
import { LlmosError, assertKgType, cutEntities, kgGraphKey, type KgCypherOptions, type KgCypherResult, type KgEntity, type KgObservations, type KgReadOptions, type KgRelation, type KgSchema, type KgStats, type KgSubgraph, type KgTypeCount, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { readCapped } from './capped-read.js';
import { assertQuerySize, assertReadOnlyType } from './cypher-guard.js';
import { assertReadOnlyPlan } from './cypher-plan.js';
import { luceneQuery } from './lucene.js';
import { mapNeo4jError } from './neo4j-errors.js';
import { FULLTEXT_INDEX, NAME_CONSTRAINT, createGraphSchema } from './neo4j-schema.js';

export interface Neo4jStoreConfig {
  uri: string;
  username?: string;
  password?: string;
  database?: string;
  /** How long one call waits for a connection before LLMOS_EKGUNAVAILABLE. */
  connectTimeoutMs: number;
}

/** A type name as a Cypher identifier: validated, then backtick-escaped. */
const ident = (type: string, what: 'entity' | 'relation'): string => (assertKgType(type, what), `\`${type.replaceAll('`', '``')}\``);

const groupBy = <T>(items: T[], key: (t: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
};

const REL_RETURN = 'RETURN a.name AS from, b.name AS to, type(r) AS type ORDER BY from, type, to';
/** Relations of one graph: both ends carry it (relations are only ever made between entities of one graph). */
const REL_MATCH = 'MATCH (a:Entity {graph: $graph})-[r]->(b:Entity {graph: $graph})';

/**
 * The Neo4j knowledge store. Entities are (:Entity {graph, gkey, name, type,
 * observations}) nodes that also carry their type as a label; relations are
 * relationships whose type is the relation type. Neo4j Community has one user
 * database, so graphs are a property filter: every MATCH and MERGE names
 * `graph`, and relations are made only between two entities of the same
 * graph. Every call is one managed transaction with parameterized Cypher;
 * identifiers (types) are validated and backtick-escaped.
 */
export class Neo4jKnowledgeStore implements KnowledgeStore {
  readonly kind = 'neo4j';
  private readonly driver: Driver;
  /** Set once the constraint and index exist; until then every call tries to create them first. */
  private schemaReady: Promise<void> | undefined;

  constructor(private readonly cfg: Neo4jStoreConfig) {
    const auth = cfg.username ? neo4j.auth.basic(cfg.username, cfg.password ?? '') : undefined;
    this.driver = neo4j.driver(cfg.uri, auth, {
      disableLosslessIntegers: true,
      connectionTimeout: cfg.connectTimeoutMs,
      connectionAcquisitionTimeout: cfg.connectTimeoutMs,
      maxTransactionRetryTime: cfg.connectTimeoutMs,
    });
  }

  /** Runs `fn` on a new session that is always closed; driver errors become LlmosErrors (mapNeo4jError). */
  private async withSession<T>(mode: 'READ' | 'WRITE', fn: (s: Session) => Promise<T>): Promise<T> {
    const s = this.driver.session({ database: this.cfg.database, defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE });
    try {
      return await fn(s);
    } catch (e) {
      throw mapNeo4jError(e, this.cfg.uri);
    } finally {
      await s.close().catch(() => undefined);
    }
  }

  /** One managed (retried) transaction, once the schema exists. */
  private async run<T>(mode: 'READ' | 'WRITE', work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    await this.ensureSchema();
    return this.withSession(mode, (s) => (mode === 'READ' ? s.executeRead(work) : s.executeWrite(work)));
  }

  /**
   * Creates the name uniqueness constraint and the fulltext index, and waits
   * for them; runs once, and again after a failure (Neo4j was down at boot).
   */
  ensureSchema(): Promise<void> {
    this.schemaReady ??= this.createSchema().catch((e) => {
      this.schemaReady = undefined;
      throw e;
    });
    return this.schemaReady;
  }

  private createSchema(): Promise<void> {
    return this.withSession('WRITE', createGraphSchema);
  }

  /** Write-locks the named entities (sorted, so concurrent callers cannot deadlock) and returns the names that do not exist. */
  private async lockEntities(tx: ManagedTransaction, graph: string, names: string[]): Promise<string[]> {
    const sorted = [...new Set(names)].sort();
    const r = await tx.run('UNWIND $names AS n OPTIONAL MATCH (e:Entity {graph: $graph, name: n}) SET e._kg_lock = true REMOVE e._kg_lock RETURN n, e IS NULL AS missing', { graph, names: sorted });
    return r.records.filter((x) => x.get('missing')).map((x) => x.get('n') as string);
  }

  private missingError(missing: string[]): LlmosError {
    return new LlmosError('LLMOS_EINVAL', `no entity named ${missing.slice(0, 10).map((n) => JSON.stringify(n)).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}; create them with kg_create_entities first.`, { missing: missing.slice(0, 100) });
  }

  async createEntities(graph: string, entities: KgEntity[]): Promise<KgEntity[]> {
    const seen = new Set<string>();
    const rows = entities
      .filter((e) => !seen.has(e.name) && seen.add(e.name))
      .map((e) => ({ name: e.name, type: e.type, observations: [...new Set(e.observations)] }));
    const labels = new Map(rows.map((r) => [r.type, ident(r.type, 'entity')]));
    const created = await this.run('WRITE', async (tx) => {
      const out = new Set<string>();
      for (const [type, group] of groupBy(rows, (r) => r.type)) {
        const r = await tx.run(
          `UNWIND $rows AS row
           MERGE (e:Entity {graph: $graph, name: row.name})
           ON CREATE SET e.gkey = $gkey, e.type = row.type, e.observations = row.observations, e:${labels.get(type)}, e._kg_new = true
           WITH e, coalesce(e._kg_new, false) AS created
           REMOVE e._kg_new
           RETURN e.name AS name, created`,
          { graph, gkey: kgGraphKey(graph), rows: group },
        );
        for (const x of r.records) if (x.get('created')) out.add(x.get('name'));
      }
      return out;
    });
    return rows.filter((r) => created.has(r.name));
  }

  async createRelations(graph: string, relations: KgRelation[]): Promise<KgRelation[]> {
    const types = new Map(relations.map((r) => [r.type, ident(r.type, 'relation')]));
    return this.run('WRITE', async (tx) => {
      const missing = await this.lockEntities(tx, graph, relations.flatMap((r) => [r.from, r.to]));
      if (missing.length) throw this.missingError(missing);
      const out: KgRelation[] = [];
      for (const [type, group] of groupBy(relations, (r) => r.type)) {
        const r = await tx.run(
          `UNWIND $rels AS rel
           MATCH (a:Entity {graph: $graph, name: rel.from}), (b:Entity {graph: $graph, name: rel.to})
           MERGE (a)-[r:${types.get(type)}]->(b)
           ON CREATE SET r._kg_new = true
           WITH a, b, r, coalesce(r._kg_new, false) AS created
           REMOVE r._kg_new
           RETURN a.name AS from, b.name AS to, created`,
          { graph, rels: group.map((x) => ({ from: x.from, to: x.to })) },
        );
        for (const x of r.records) if (x.get('created')) out.push({ from: x.get('from'), to: x.get('to'), type });
      }
      return out;
    });
  }

  /** Merges items naming the same entity, keeping first-seen order, observations deduplicated. */
  private static merge(items: KgObservations[]): KgObservations[] {
    const m = new Map<string, Set<string>>();
    for (const i of items) for (const o of i.observations) (m.get(i.name) ?? m.set(i.name, new Set()).get(i.name)!).add(o);
    for (const i of items) if (!m.has(i.name)) m.set(i.name, new Set());
    return [...m].map(([name, obs]) => ({ name, observations: [...obs] }));
  }

  async addObservations(graph: string, items: KgObservations[]): Promise<KgObservations[]> {
    const merged = Neo4jKnowledgeStore.merge(items);
    return this.run('WRITE', async (tx) => {
      const missing = await this.lockEntities(tx, graph, merged.map((i) => i.name));
      if (missing.length) throw this.missingError(missing);
      const r = await tx.run(
        `UNWIND $items AS it
         MATCH (e:Entity {graph: $graph, name: it.name})
         WITH e, [o IN it.observations WHERE NOT o IN coalesce(e.observations, [])] AS added
         SET e.observations = coalesce(e.observations, []) + added
         RETURN e.name AS name, added`,
        { graph, items: merged },
      );
      const added = new Map(r.records.map((x) => [x.get('name') as string, x.get('added') as string[]]));
      return merged.map((i) => ({ name: i.name, observations: added.get(i.name) ?? [] }));
    });
  }

  async deleteEntities(graph: string, names: string[]): Promise<number> {
    return this.run('WRITE', async (tx) => {
      const r = await tx.run('UNWIND $names AS n MATCH (e:Entity {graph: $graph, name: n}) DETACH DELETE e RETURN count(e) AS n', { graph, names: [...new Set(names)] });
      return r.records[0]?.get('n') ?? 0;
    });
  }

  async deleteObservations(graph: string, items: KgObservations[]): Promise<number> {
    const merged = Neo4jKnowledgeStore.merge(items);
    return this.run('WRITE', async (tx) => {
      await this.lockEntities(tx, graph, merged.map((i) => i.name));
      const r = await tx.run(
        `UNWIND $items AS it
         MATCH (e:Entity {graph: $graph, name: it.name})
         WITH e, [o IN e.observations WHERE NOT o IN it.observations] AS kept
         WITH e, kept, size(e.observations) - size(kept) AS removed
         SET e.observations = kept
         RETURN sum(removed) AS n`,
        { graph, items: merged },
      );
      return r.records[0]?.get('n') ?? 0;
    });
  }

  async deleteRelations(graph: string, relations: KgRelation[]): Promise<number> {
    const types = new Map(relations.map((r) => [r.type, ident(r.type, 'relation')]));
    return this.run('WRITE', async (tx) => {
      let n = 0;
      for (const [type, group] of groupBy(relations, (r) => r.type)) {
        const r = await tx.run(
          `UNWIND $rels AS rel
           MATCH (:Entity {graph: $graph, name: rel.from})-[r:${types.get(type)}]->(:Entity {graph: $graph, name: rel.to})
           DELETE r RETURN count(r) AS n`,
          { graph, rels: group.map((x) => ({ from: x.from, to: x.to })) },
        );
        n += r.records[0]?.get('n') ?? 0;
      }
      return n;
    });
  }

  /**
   * The named entities of `graph` in the order named, within maxChars (an
   * observation list is one property, read whole: cutEntities cuts after),
   * and the relations `where` says (a, b are the ends; $names the names kept).
   */
  private async subgraph(tx: ManagedTransaction, graph: string, names: string[], where: string, maxChars?: number): Promise<KgSubgraph> {
    const r = await tx.run('MATCH (e:Entity {graph: $graph}) WHERE e.name IN $names RETURN e.name AS name, e.type AS type, coalesce(e.observations, []) AS observations', { graph, names });
    const byName = new Map(r.records.map((x) => [x.get('name') as string, x.toObject() as KgEntity]));
    const { entities, truncated } = cutEntities(names.flatMap((n) => byName.get(n) ?? []), maxChars);
    const kept = entities.map((e) => e.name);
    const rels = await tx.run(`${REL_MATCH} WHERE ${where} ${REL_RETURN}`, { graph, names: kept });
    return { entities, relations: rels.records.map((x) => x.toObject() as KgRelation), ...(truncated ? { truncated } : {}) };
  }

  async search(graph: string, query: string, limit: number, maxChars?: number): Promise<KgSubgraph> {
    const q = luceneQuery(graph, query);
    if (!q) return { entities: [], relations: [] };
    return this.run('READ', async (tx) => {
      const hits = await tx.run(`CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $q, {limit: $limit}) YIELD node, score WHERE node.graph = $graph RETURN node.name AS name ORDER BY score DESC, name LIMIT $limit`, { q, graph, limit: neo4j.int(limit) });
      const names = hits.records.map((x) => x.get('name') as string);
      return this.subgraph(tx, graph, names, 'a.name IN $names AND b.name IN $names', maxChars);
    });
  }

  async openNodes(graph: string, names: string[], maxChars?: number): Promise<KgSubgraph> {
    return this.run('READ', (tx) => this.subgraph(tx, graph, [...new Set(names)], 'a.name IN $names OR b.name IN $names', maxChars));
  }

  async readPage(graph: string, { after, limit, maxChars }: KgReadOptions): Promise<KgSubgraph> {
    return this.run('READ', async (tx) => {
      const page = await tx.run('MATCH (e:Entity {graph: $graph}) WHERE e.name > $after RETURN e.name AS name ORDER BY name LIMIT $limit', { graph, after: after ?? '', limit: neo4j.int(limit) });
      return this.subgraph(tx, graph, page.records.map((x) => x.get('name') as string), 'a.name IN $names', maxChars);
    });
  }

  async names(graph: string, { after, limit, prefix = '' }: KgReadOptions & { prefix?: string }): Promise<string[]> {
    return this.run('READ', async (tx) => {
      const r = await tx.run('MATCH (e:Entity {graph: $graph}) WHERE e.name > $after AND e.name STARTS WITH $prefix RETURN e.name AS name ORDER BY name LIMIT $limit', { graph, after: after ?? '', prefix, limit: neo4j.int(limit) });
      return r.records.map((x) => x.get('name') as string);
    });
  }

  private async typeCounts(tx: ManagedTransaction, graph: string): Promise<{ entity_types: KgTypeCount[]; relation_types: KgTypeCount[] }> {
    const et = await tx.run('MATCH (e:Entity {graph: $graph}) RETURN e.type AS type, count(*) AS count ORDER BY count DESC, type LIMIT 50', { graph });
    const rt = await tx.run(`${REL_MATCH} RETURN type(r) AS type, count(*) AS count ORDER BY count DESC, type LIMIT 50`, { graph });
    return { entity_types: et.records.map((x) => x.toObject() as KgTypeCount), relation_types: rt.records.map((x) => x.toObject() as KgTypeCount) };
  }

  async stats(graph: string): Promise<KgStats> {
    return this.run('READ', async (tx) => {
      const e = (await tx.run('MATCH (e:Entity {graph: $graph}) RETURN count(e) AS n, coalesce(sum(size(e.observations)), 0) AS o', { graph })).records[0];
      const r = (await tx.run(`${REL_MATCH} RETURN count(r) AS n`, { graph })).records[0];
      return { store: this.kind, entities: e.get('n'), relations: r.get('n'), observations: e.get('o'), ...(await this.typeCounts(tx, graph)) };
    });
  }

  /**
   * The graph's types, and the native model. Labels and relationship types
   * are the graph's own (its entity and relation types), not db.labels(),
   * which would show every graph's types.
   */
  async schema(graph: string): Promise<KgSchema> {
    return this.run('READ', async (tx) => {
      const types = await this.typeCounts(tx, graph);
      return {
        ...types,
        native: {
          model: '(:Entity:<type> {graph, gkey, name, type, observations: [string]})-[:<relation type>]->(:Entity), both ends in one graph',
          labels: ['Entity', ...types.entity_types.map((t) => t.type)],
          relationship_types: types.relation_types.map((t) => t.type),
          property_keys: ['graph', 'gkey', 'name', 'type', 'observations'],
          constraint: `${NAME_CONSTRAINT}: (Entity.graph, Entity.name) IS UNIQUE`,
          fulltext_index: `${FULLTEXT_INDEX} on Entity(gkey, name, type, observations)`,
        },
      };
    });
  }

  /**
   * Runs a read-only query behind the layers of cypher-guard.ts: a size cap,
   * then Neo4j's own EXPLAIN (query type "r" and an allowlisted plan), then a
   * READ-mode session and transaction with a timeout. Stops reading after
   * maxRows rows or maxBytes of JSON.
   */
  async cypherRead(query: string, opts: KgCypherOptions): Promise<KgCypherResult> {
    assertQuerySize(query);
    await this.ensureSchema();
    return this.withSession('READ', async (s) => {
      const { summary } = await s.run(`EXPLAIN ${query}`, opts.params ?? {}, { timeout: opts.timeoutMs });
      assertReadOnlyType(summary.queryType);
      assertReadOnlyPlan(summary.plan, summary.database.name ?? undefined);
      return readCapped(s, query, opts);
    });
  }

  /** The READ-session layer alone: runs `query` without the EXPLAIN layers (exported for the layer tests). */
  runInReadSession(query: string, opts: KgCypherOptions): Promise<KgCypherResult> {
    return this.withSession('READ', (s) => readCapped(s, query, opts));
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
