import Database from 'better-sqlite3';
import { LlmosError, assertKgType, kgGraphKey, type KgEntity, type KgObservations, type KgReadOptions, type KgRelation, type KgStats, type KgSubgraph, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { migrateToGraphs } from './migrate.js';
import { REINDEX_SQL, SCHEMA_SQL } from './schema.js';
import { entitiesByIds, relationsOf, searchGraph } from './sqlite-reads.js';

/**
 * The embedded knowledge store: one SQLite file in WAL mode. Every write is
 * one BEGIN IMMEDIATE transaction, so writers in other processes on the same
 * file are serialized by SQLite's lock (waiting up to busyTimeoutMs) and never
 * overwrite each other; readers see a consistent snapshot. Every statement
 * names the graph (entities.graph), so no call reaches another graph.
 */
export class SqliteKnowledgeStore implements KnowledgeStore {
  readonly kind = 'embedded';
  private readonly db: Database.Database;

  constructor(
    readonly file: string,
    busyTimeoutMs = 10_000,
  ) {
    this.db = new Database(file, { timeout: busyTimeoutMs });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    try {
      migrateToGraphs(this.db);
    } catch (e) {
      throw this.mapError(e);
    }
    this.db.pragma('foreign_keys = ON');
    this.write(() => this.db.exec(SCHEMA_SQL));
  }

  /** Runs fn in one BEGIN IMMEDIATE transaction; a lock held past the busy timeout becomes LLMOS_EKGUNAVAILABLE. */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      throw this.mapError(e);
    }
  }

  /** Runs fn in one read transaction (a single snapshot). */
  private read<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (e) {
      throw this.mapError(e);
    }
  }

  private mapError(e: unknown): unknown {
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return new LlmosError('LLMOS_EKGUNAVAILABLE', `the knowledge store ${this.file} stayed locked by another writer past the busy timeout; retry, or raise the kg-embedded option busy_timeout_ms.`);
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY')
      return new LlmosError('LLMOS_EKGUNAVAILABLE', `the knowledge store ${this.file} cannot be written (${code}); check the file and LLMOS_DATA_DIR permissions.`);
    return e;
  }

  private idOf(graph: string, name: string): number | undefined {
    return (this.db.prepare('SELECT id FROM entities WHERE graph = ? AND name = ?').get(graph, name) as { id: number } | undefined)?.id;
  }

  /** Rewrites the search document of one entity of `graph` (or removes it when the entity is gone). */
  private reindex(graph: string, id: number): void {
    this.db.prepare('DELETE FROM entity_fts WHERE rowid = ?').run(id);
    this.db.prepare(REINDEX_SQL).run({ id, gkey: kgGraphKey(graph) });
  }

  /** Throws LLMOS_EINVAL listing names that do not exist in `graph`. */
  private requireEntities(graph: string, names: string[]): void {
    const missing = [...new Set(names)].filter((n) => this.idOf(graph, n) === undefined);
    if (missing.length)
      throw new LlmosError('LLMOS_EINVAL', `no entity named ${missing.slice(0, 10).map((n) => JSON.stringify(n)).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}; create them with kg_create_entities first.`, { missing: missing.slice(0, 100) });
  }

  async createEntities(graph: string, entities: KgEntity[]): Promise<KgEntity[]> {
    for (const e of entities) assertKgType(e.type, 'entity');
    return this.write(() => {
      const insert = this.db.prepare('INSERT INTO entities(graph, name, type) VALUES (?, ?, ?) ON CONFLICT(graph, name) DO NOTHING');
      const addObs = this.db.prepare('INSERT INTO observations(entity_id, text) VALUES (?, ?) ON CONFLICT DO NOTHING');
      const created: KgEntity[] = [];
      for (const e of entities) {
        const r = insert.run(graph, e.name, e.type);
        if (!r.changes) continue;
        const id = Number(r.lastInsertRowid);
        for (const o of e.observations) addObs.run(id, o);
        this.reindex(graph, id);
        created.push({ name: e.name, type: e.type, observations: [...new Set(e.observations)] });
      }
      return created;
    });
  }

  async createRelations(graph: string, relations: KgRelation[]): Promise<KgRelation[]> {
    for (const r of relations) assertKgType(r.type, 'relation');
    return this.write(() => {
      this.requireEntities(graph, relations.flatMap((r) => [r.from, r.to]));
      const insert = this.db.prepare(
        `INSERT INTO relations(from_id, to_id, type)
         SELECT (SELECT id FROM entities WHERE graph = @graph AND name = @from), (SELECT id FROM entities WHERE graph = @graph AND name = @to), @type
         ON CONFLICT DO NOTHING`,
      );
      return relations.filter((r) => insert.run({ graph, from: r.from, to: r.to, type: r.type }).changes > 0).map((r) => ({ from: r.from, to: r.to, type: r.type }));
    });
  }

  async addObservations(graph: string, items: KgObservations[]): Promise<KgObservations[]> {
    return this.write(() => {
      this.requireEntities(graph, items.map((i) => i.name));
      const add = this.db.prepare('INSERT INTO observations(entity_id, text) VALUES (?, ?) ON CONFLICT DO NOTHING');
      return items.map((i) => {
        const id = this.idOf(graph, i.name)!;
        const added = i.observations.filter((o) => add.run(id, o).changes > 0);
        if (added.length) this.reindex(graph, id);
        return { name: i.name, observations: added };
      });
    });
  }

  async deleteEntities(graph: string, names: string[]): Promise<number> {
    return this.write(() => {
      const del = this.db.prepare('DELETE FROM entities WHERE id = ?');
      let n = 0;
      for (const name of new Set(names)) {
        const id = this.idOf(graph, name);
        if (id === undefined) continue;
        n += del.run(id).changes;
        this.reindex(graph, id);
      }
      return n;
    });
  }

  async deleteObservations(graph: string, items: KgObservations[]): Promise<number> {
    return this.write(() => {
      const del = this.db.prepare('DELETE FROM observations WHERE entity_id = ? AND text = ?');
      let n = 0;
      for (const i of items) {
        const id = this.idOf(graph, i.name);
        if (id === undefined) continue;
        const before = n;
        for (const o of i.observations) n += del.run(id, o).changes;
        if (n > before) this.reindex(graph, id);
      }
      return n;
    });
  }

  async deleteRelations(graph: string, relations: KgRelation[]): Promise<number> {
    return this.write(() => {
      const del = this.db.prepare(
        `DELETE FROM relations WHERE type = @type
         AND from_id = (SELECT id FROM entities WHERE graph = @graph AND name = @from) AND to_id = (SELECT id FROM entities WHERE graph = @graph AND name = @to)`,
      );
      return relations.reduce((n, r) => n + del.run({ graph, type: r.type, from: r.from, to: r.to }).changes, 0);
    });
  }

  async search(graph: string, query: string, limit: number, maxChars?: number): Promise<KgSubgraph> {
    return this.read(() => searchGraph(this.db, graph, query, limit, maxChars));
  }

  async openNodes(graph: string, names: string[], maxChars?: number): Promise<KgSubgraph> {
    return this.read(() => {
      const ids = [...new Set(names)].flatMap((n) => this.idOf(graph, n) ?? []);
      return this.subgraph(ids, 'touching', maxChars);
    });
  }

  async readPage(graph: string, { after, limit, maxChars }: KgReadOptions): Promise<KgSubgraph> {
    return this.read(() => {
      const ids = this.db.prepare('SELECT id FROM entities WHERE graph = ? AND name > ? ORDER BY name LIMIT ?').pluck().all(graph, after ?? '', limit) as number[];
      return this.subgraph(ids, 'from', maxChars);
    });
  }

  /** The entities of `ids` within maxChars, and the relations (`mode`) of the ones kept. */
  private subgraph(ids: number[], mode: 'touching' | 'from', maxChars?: number): KgSubgraph {
    const { entities, truncated } = entitiesByIds(this.db, ids, maxChars);
    const kept = ids.slice(0, entities.length);
    return { entities, relations: relationsOf(this.db, kept, mode), ...(truncated ? { truncated } : {}) };
  }

  async names(graph: string, { after, limit, prefix = '' }: KgReadOptions & { prefix?: string }): Promise<string[]> {
    return this.db
      .prepare('SELECT name FROM entities WHERE graph = @graph AND name > @after AND substr(name, 1, length(@prefix)) = @prefix ORDER BY name LIMIT @limit')
      .pluck()
      .all({ graph, after: after ?? '', prefix, limit }) as string[];
  }

  async stats(graph: string): Promise<KgStats> {
    return this.read(() => {
      const count = (sql: string) => (this.db.prepare(sql).get(graph) as { n: number }).n;
      const types = (sql: string) => this.db.prepare(sql).all(graph) as Array<{ type: string; count: number }>;
      return {
        store: this.kind,
        entities: count('SELECT count(*) AS n FROM entities WHERE graph = ?'),
        relations: count('SELECT count(*) AS n FROM relations r JOIN entities f ON f.id = r.from_id WHERE f.graph = ?'),
        observations: count('SELECT count(*) AS n FROM observations o JOIN entities e ON e.id = o.entity_id WHERE e.graph = ?'),
        entity_types: types('SELECT type, count(*) AS count FROM entities WHERE graph = ? GROUP BY type ORDER BY count DESC, type LIMIT 50'),
        relation_types: types('SELECT r.type, count(*) AS count FROM relations r JOIN entities f ON f.id = r.from_id WHERE f.graph = ? GROUP BY r.type ORDER BY count DESC, r.type LIMIT 50'),
      };
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
