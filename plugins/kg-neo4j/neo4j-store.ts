import neo4j, { type Driver, type ManagedTransaction, type Session } from 'neo4j-driver';
import { LlmosError, assertKgType, type KgCypherOptions, type KgCypherResult, type KgEntity, type KgObservations, type KgReadOptions, type KgRelation, type KgSchema, type KgStats, type KgSubgraph, type KgTypeCount, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { readCapped } from './capped-read.js';
import { assertQuerySize, assertReadOnlyType } from './cypher-guard.js';
import { assertReadOnlyPlan } from './cypher-plan.js';
import { luceneQuery } from './lucene.js';
import { mapNeo4jError } from './neo4j-errors.js';

export interface Neo4jStoreConfig {
  uri: string;
  username?: string;
  password?: string;
  database?: string;
  /** How long one call waits for a connection before LLMOS_EKGUNAVAILABLE. */
  connectTimeoutMs: number;
}

export const FULLTEXT_INDEX = 'kg_entity_search';

/** A type name as a Cypher identifier: validated, then backtick-escaped. */
const ident = (type: string, what: 'entity' | 'relation'): string => (assertKgType(type, what), `\`${type.replaceAll('`', '``')}\``);

const groupBy = <T>(items: T[], key: (t: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
};

const REL_RETURN = 'RETURN a.name AS from, b.name AS to, type(r) AS type ORDER BY from, type, to';

/**
 * The Neo4j knowledge store. Entities are (:Entity {name, type, observations})
 * nodes that also carry their type as a label; relations are relationships
 * whose type is the relation type. Every call is one managed transaction with
 * parameterized Cypher; identifiers (types) are validated and backtick-escaped.
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
    return this.withSession('WRITE', async (s) => {
      await s.run('CREATE CONSTRAINT kg_entity_name IF NOT EXISTS FOR (e:Entity) REQUIRE e.name IS UNIQUE');
      await s.run(`CREATE FULLTEXT INDEX ${FULLTEXT_INDEX} IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.type, e.observations]`);
      await s.run('CALL db.awaitIndexes(60)');
    });
  }

  /** Write-locks the named entities (sorted, so concurrent callers cannot deadlock) and returns the names that do not exist. */
  private async lockEntities(tx: ManagedTransaction, names: string[]): Promise<string[]> {
    const sorted = [...new Set(names)].sort();
    const r = await tx.run('UNWIND $names AS n OPTIONAL MATCH (e:Entity {name: n}) SET e._kg_lock = true REMOVE e._kg_lock RETURN n, e IS NULL AS missing', { names: sorted });
    return r.records.filter((x) => x.get('missing')).map((x) => x.get('n') as string);
  }

  private missingError(missing: string[]): LlmosError {
    return new LlmosError('LLMOS_EINVAL', `no entity named ${missing.slice(0, 10).map((n) => JSON.stringify(n)).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}; create them with kg_create_entities first.`, { missing: missing.slice(0, 100) });
  }

  async createEntities(entities: KgEntity[]): Promise<KgEntity[]> {
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
           MERGE (e:Entity {name: row.name})
           ON CREATE SET e.type = row.type, e.observations = row.observations, e:${labels.get(type)}, e._kg_new = true
           WITH e, coalesce(e._kg_new, false) AS created
           REMOVE e._kg_new
           RETURN e.name AS name, created`,
          { rows: group },
        );
        for (const x of r.records) if (x.get('created')) out.add(x.get('name'));
      }
      return out;
    });
    return rows.filter((r) => created.has(r.name));
  }

  async createRelations(relations: KgRelation[]): Promise<KgRelation[]> {
    const types = new Map(relations.map((r) => [r.type, ident(r.type, 'relation')]));
    return this.run('WRITE', async (tx) => {
      const missing = await this.lockEntities(tx, relations.flatMap((r) => [r.from, r.to]));
      if (missing.length) throw this.missingError(missing);
      const out: KgRelation[] = [];
      for (const [type, group] of groupBy(relations, (r) => r.type)) {
        const r = await tx.run(
          `UNWIND $rels AS rel
           MATCH (a:Entity {name: rel.from}), (b:Entity {name: rel.to})
           MERGE (a)-[r:${types.get(type)}]->(b)
           ON CREATE SET r._kg_new = true
           WITH a, b, r, coalesce(r._kg_new, false) AS created
           REMOVE r._kg_new
           RETURN a.name AS from, b.name AS to, created`,
          { rels: group.map((x) => ({ from: x.from, to: x.to })) },
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

  async addObservations(items: KgObservations[]): Promise<KgObservations[]> {
    const merged = Neo4jKnowledgeStore.merge(items);
    return this.run('WRITE', async (tx) => {
      const missing = await this.lockEntities(tx, merged.map((i) => i.name));
      if (missing.length) throw this.missingError(missing);
      const r = await tx.run(
        `UNWIND $items AS it
         MATCH (e:Entity {name: it.name})
         WITH e, [o IN it.observations WHERE NOT o IN coalesce(e.observations, [])] AS added
         SET e.observations = coalesce(e.observations, []) + added
         RETURN e.name AS name, added`,
        { items: merged },
      );
      const added = new Map(r.records.map((x) => [x.get('name') as string, x.get('added') as string[]]));
      return merged.map((i) => ({ name: i.name, observations: added.get(i.name) ?? [] }));
    });
  }

  async deleteEntities(names: string[]): Promise<number> {
    return this.run('WRITE', async (tx) => {
      const r = await tx.run('UNWIND $names AS n MATCH (e:Entity {name: n}) DETACH DELETE e RETURN count(e) AS n', { names: [...new Set(names)] });
      return r.records[0]?.get('n') ?? 0;
    });
  }

  async deleteObservations(items: KgObservations[]): Promise<number> {
    const merged = Neo4jKnowledgeStore.merge(items);
    return this.run('WRITE', async (tx) => {
      await this.lockEntities(tx, merged.map((i) => i.name));
      const r = await tx.run(
        `UNWIND $items AS it
         MATCH (e:Entity {name: it.name})
         WITH e, [o IN e.observations WHERE NOT o IN it.observations] AS kept
         WITH e, kept, size(e.observations) - size(kept) AS removed
         SET e.observations = kept
         RETURN sum(removed) AS n`,
        { items: merged },
      );
      return r.records[0]?.get('n') ?? 0;
    });
  }

  async deleteRelations(relations: KgRelation[]): Promise<number> {
    const types = new Map(relations.map((r) => [r.type, ident(r.type, 'relation')]));
    return this.run('WRITE', async (tx) => {
      let n = 0;
      for (const [type, group] of groupBy(relations, (r) => r.type)) {
        const r = await tx.run(
          `UNWIND $rels AS rel
           MATCH (:Entity {name: rel.from})-[r:${types.get(type)}]->(:Entity {name: rel.to})
           DELETE r RETURN count(r) AS n`,
          { rels: group.map((x) => ({ from: x.from, to: x.to })) },
        );
        n += r.records[0]?.get('n') ?? 0;
      }
      return n;
    });
  }

  private async entities(tx: ManagedTransaction, names: string[]): Promise<KgEntity[]> {
    const r = await tx.run('MATCH (e:Entity) WHERE e.name IN $names RETURN e.name AS name, e.type AS type, coalesce(e.observations, []) AS observations', { names });
    const byName = new Map(r.records.map((x) => [x.get('name') as string, x.toObject() as KgEntity]));
    return names.flatMap((n) => byName.get(n) ?? []);
  }

  async search(query: string, limit: number): Promise<KgSubgraph> {
    const q = luceneQuery(query);
    if (!q) return { entities: [], relations: [] };
    return this.run('READ', async (tx) => {
      const hits = await tx.run(`CALL db.index.fulltext.queryNodes('${FULLTEXT_INDEX}', $q, {limit: $limit}) YIELD node, score RETURN node.name AS name ORDER BY score DESC, name LIMIT $limit`, { q, limit: neo4j.int(limit) });
      const names = hits.records.map((x) => x.get('name') as string);
      const rels = await tx.run(`MATCH (a:Entity)-[r]->(b:Entity) WHERE a.name IN $names AND b.name IN $names ${REL_RETURN}`, { names });
      return { entities: await this.entities(tx, names), relations: rels.records.map((x) => x.toObject() as KgRelation) };
    });
  }

  async openNodes(names: string[]): Promise<KgSubgraph> {
    const unique = [...new Set(names)];
    return this.run('READ', async (tx) => {
      const rels = await tx.run(`MATCH (a:Entity)-[r]->(b:Entity) WHERE a.name IN $names OR b.name IN $names ${REL_RETURN}`, { names: unique });
      return { entities: await this.entities(tx, unique), relations: rels.records.map((x) => x.toObject() as KgRelation) };
    });
  }

  async readPage({ after, limit }: KgReadOptions): Promise<KgSubgraph> {
    return this.run('READ', async (tx) => {
      const page = await tx.run('MATCH (e:Entity) WHERE e.name > $after RETURN e.name AS name ORDER BY name LIMIT $limit', { after: after ?? '', limit: neo4j.int(limit) });
      const names = page.records.map((x) => x.get('name') as string);
      const rels = await tx.run(`MATCH (a:Entity)-[r]->(b:Entity) WHERE a.name IN $names ${REL_RETURN}`, { names });
      return { entities: await this.entities(tx, names), relations: rels.records.map((x) => x.toObject() as KgRelation) };
    });
  }

  async names({ after, limit, prefix = '' }: KgReadOptions & { prefix?: string }): Promise<string[]> {
    return this.run('READ', async (tx) => {
      const r = await tx.run('MATCH (e:Entity) WHERE e.name > $after AND e.name STARTS WITH $prefix RETURN e.name AS name ORDER BY name LIMIT $limit', { after: after ?? '', prefix, limit: neo4j.int(limit) });
      return r.records.map((x) => x.get('name') as string);
    });
  }

  private async typeCounts(tx: ManagedTransaction): Promise<{ entity_types: KgTypeCount[]; relation_types: KgTypeCount[] }> {
    const et = await tx.run('MATCH (e:Entity) RETURN e.type AS type, count(*) AS count ORDER BY count DESC, type LIMIT 50');
    const rt = await tx.run('MATCH (:Entity)-[r]->(:Entity) RETURN type(r) AS type, count(*) AS count ORDER BY count DESC, type LIMIT 50');
    return { entity_types: et.records.map((x) => x.toObject() as KgTypeCount), relation_types: rt.records.map((x) => x.toObject() as KgTypeCount) };
  }

  async stats(): Promise<KgStats> {
    return this.run('READ', async (tx) => {
      const e = (await tx.run('MATCH (e:Entity) RETURN count(e) AS n, coalesce(sum(size(e.observations)), 0) AS o')).records[0];
      const r = (await tx.run('MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS n')).records[0];
      return { store: this.kind, entities: e.get('n'), relations: r.get('n'), observations: e.get('o'), ...(await this.typeCounts(tx)) };
    });
  }

  async schema(): Promise<KgSchema> {
    return this.run('READ', async (tx) => {
      const labels = (await tx.run('CALL db.labels() YIELD label RETURN collect(label) AS l')).records[0].get('l');
      const relTypes = (await tx.run('CALL db.relationshipTypes() YIELD relationshipType RETURN collect(relationshipType) AS t')).records[0].get('t');
      const keys = (await tx.run('CALL db.propertyKeys() YIELD propertyKey RETURN collect(propertyKey) AS k')).records[0].get('k');
      return {
        ...(await this.typeCounts(tx)),
        native: {
          model: '(:Entity:<type> {name, type, observations: [string]})-[:<relation type>]->(:Entity)',
          labels,
          relationship_types: relTypes,
          property_keys: keys,
          constraint: 'kg_entity_name: Entity.name IS UNIQUE',
          fulltext_index: `${FULLTEXT_INDEX} on Entity(name, type, observations)`,
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
