import Database from 'better-sqlite3';
import { LlmosError, assertKgType, kgSearchWords, type KgEntity, type KgObservations, type KgReadOptions, type KgRelation, type KgStats, type KgSubgraph, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { SCHEMA_SQL } from './schema.js';

type Row = { id: number; name: string; type: string };

/**
 * The embedded knowledge store: one SQLite file in WAL mode. Every write is
 * one BEGIN IMMEDIATE transaction, so writers in other processes on the same
 * file are serialized by SQLite's lock (waiting up to busyTimeoutMs) and never
 * overwrite each other; readers see a consistent snapshot.
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

  private idOf(name: string): number | undefined {
    return (this.db.prepare('SELECT id FROM entities WHERE name = ?').get(name) as { id: number } | undefined)?.id;
  }

  /** Rewrites the search document of one entity (or removes it when the entity is gone). */
  private reindex(id: number): void {
    this.db.prepare('DELETE FROM entity_fts WHERE rowid = ?').run(id);
    this.db
      .prepare(
        `INSERT INTO entity_fts(rowid, name, type, observations)
         SELECT e.id, e.name, e.type, coalesce((SELECT group_concat(text, char(10)) FROM observations WHERE entity_id = e.id), '')
         FROM entities e WHERE e.id = ?`,
      )
      .run(id);
  }

  /** Throws LLMOS_EINVAL listing names that do not exist. */
  private requireEntities(names: string[]): void {
    const missing = [...new Set(names)].filter((n) => this.idOf(n) === undefined);
    if (missing.length)
      throw new LlmosError('LLMOS_EINVAL', `no entity named ${missing.slice(0, 10).map((n) => JSON.stringify(n)).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}; create them with kg_create_entities first.`, { missing: missing.slice(0, 100) });
  }

  async createEntities(entities: KgEntity[]): Promise<KgEntity[]> {
    for (const e of entities) assertKgType(e.type, 'entity');
    return this.write(() => {
      const insert = this.db.prepare('INSERT INTO entities(name, type) VALUES (?, ?) ON CONFLICT(name) DO NOTHING');
      const addObs = this.db.prepare('INSERT INTO observations(entity_id, text) VALUES (?, ?) ON CONFLICT DO NOTHING');
      const created: KgEntity[] = [];
      for (const e of entities) {
        const r = insert.run(e.name, e.type);
        if (!r.changes) continue;
        const id = Number(r.lastInsertRowid);
        for (const o of e.observations) addObs.run(id, o);
        this.reindex(id);
        created.push({ name: e.name, type: e.type, observations: [...new Set(e.observations)] });
      }
      return created;
    });
  }

  async createRelations(relations: KgRelation[]): Promise<KgRelation[]> {
    for (const r of relations) assertKgType(r.type, 'relation');
    return this.write(() => {
      this.requireEntities(relations.flatMap((r) => [r.from, r.to]));
      const insert = this.db.prepare(
        `INSERT INTO relations(from_id, to_id, type)
         SELECT (SELECT id FROM entities WHERE name = ?), (SELECT id FROM entities WHERE name = ?), ?
         ON CONFLICT DO NOTHING`,
      );
      return relations.filter((r) => insert.run(r.from, r.to, r.type).changes > 0).map((r) => ({ from: r.from, to: r.to, type: r.type }));
    });
  }

  async addObservations(items: KgObservations[]): Promise<KgObservations[]> {
    return this.write(() => {
      this.requireEntities(items.map((i) => i.name));
      const add = this.db.prepare('INSERT INTO observations(entity_id, text) VALUES (?, ?) ON CONFLICT DO NOTHING');
      return items.map((i) => {
        const id = this.idOf(i.name)!;
        const added = i.observations.filter((o) => add.run(id, o).changes > 0);
        if (added.length) this.reindex(id);
        return { name: i.name, observations: added };
      });
    });
  }

  async deleteEntities(names: string[]): Promise<number> {
    return this.write(() => {
      const del = this.db.prepare('DELETE FROM entities WHERE id = ?');
      let n = 0;
      for (const name of new Set(names)) {
        const id = this.idOf(name);
        if (id === undefined) continue;
        n += del.run(id).changes;
        this.reindex(id);
      }
      return n;
    });
  }

  async deleteObservations(items: KgObservations[]): Promise<number> {
    return this.write(() => {
      const del = this.db.prepare('DELETE FROM observations WHERE entity_id = ? AND text = ?');
      let n = 0;
      for (const i of items) {
        const id = this.idOf(i.name);
        if (id === undefined) continue;
        const before = n;
        for (const o of i.observations) n += del.run(id, o).changes;
        if (n > before) this.reindex(id);
      }
      return n;
    });
  }

  async deleteRelations(relations: KgRelation[]): Promise<number> {
    return this.write(() => {
      const del = this.db.prepare(
        `DELETE FROM relations WHERE type = ?
         AND from_id = (SELECT id FROM entities WHERE name = ?) AND to_id = (SELECT id FROM entities WHERE name = ?)`,
      );
      return relations.reduce((n, r) => n + del.run(r.type, r.from, r.to).changes, 0);
    });
  }

  /** Entities (with observations, in insertion order) for the given ids, keeping the ids' order. */
  private entitiesByIds(ids: number[]): KgEntity[] {
    if (!ids.length) return [];
    const json = JSON.stringify(ids);
    const rows = this.db.prepare('SELECT id, name, type FROM entities WHERE id IN (SELECT value FROM json_each(?))').all(json) as Row[];
    const obs = this.db
      .prepare('SELECT entity_id, text FROM observations WHERE entity_id IN (SELECT value FROM json_each(?)) ORDER BY id')
      .all(json) as Array<{ entity_id: number; text: string }>;
    const byId = new Map(rows.map((r) => [r.id, { name: r.name, type: r.type, observations: [] as string[] }]));
    for (const o of obs) byId.get(o.entity_id)?.observations.push(o.text);
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Relations among the given ids (`both`), touching one of them (`touching`), or starting at one (`from`). */
  private relationsOf(ids: number[], mode: 'both' | 'touching' | 'from'): KgRelation[] {
    if (!ids.length) return [];
    const where = { both: 'r.from_id IN ids AND r.to_id IN ids', touching: 'r.from_id IN ids OR r.to_id IN ids', from: 'r.from_id IN ids' }[mode];
    return this.db
      .prepare(
        `WITH ids(id) AS (SELECT value FROM json_each(?))
         SELECT f.name AS "from", t.name AS "to", r.type AS type
         FROM relations r JOIN entities f ON f.id = r.from_id JOIN entities t ON t.id = r.to_id
         WHERE ${where.replaceAll('IN ids', 'IN (SELECT id FROM ids)')}
         ORDER BY f.name, r.type, t.name`,
      )
      .all(JSON.stringify(ids)) as KgRelation[];
  }

  async search(query: string, limit: number): Promise<KgSubgraph> {
    const words = kgSearchWords(query);
    if (!words.length) return { entities: [], relations: [] };
    const match = words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' OR ');
    return this.read(() => {
      const ids = (this.db.prepare('SELECT rowid AS id FROM entity_fts WHERE entity_fts MATCH ? ORDER BY rank LIMIT ?').all(match, limit) as Array<{ id: number }>).map((r) => r.id);
      return { entities: this.entitiesByIds(ids), relations: this.relationsOf(ids, 'both') };
    });
  }

  async openNodes(names: string[]): Promise<KgSubgraph> {
    return this.read(() => {
      const ids = [...new Set(names)].flatMap((n) => this.idOf(n) ?? []);
      return { entities: this.entitiesByIds(ids), relations: this.relationsOf(ids, 'touching') };
    });
  }

  async readPage({ after, limit }: KgReadOptions): Promise<KgSubgraph> {
    return this.read(() => {
      const ids = (this.db.prepare('SELECT id FROM entities WHERE name > ? ORDER BY name LIMIT ?').all(after ?? '', limit) as Array<{ id: number }>).map((r) => r.id);
      return { entities: this.entitiesByIds(ids), relations: this.relationsOf(ids, 'from') };
    });
  }

  async names({ after, limit, prefix = '' }: KgReadOptions & { prefix?: string }): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT name FROM entities WHERE name > @after AND substr(name, 1, length(@prefix)) = @prefix ORDER BY name LIMIT @limit')
      .all({ after: after ?? '', prefix, limit }) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  async stats(): Promise<KgStats> {
    return this.read(() => {
      const count = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
      const types = (sql: string) => this.db.prepare(sql).all() as Array<{ type: string; count: number }>;
      return {
        store: this.kind,
        entities: count('SELECT count(*) AS n FROM entities'),
        relations: count('SELECT count(*) AS n FROM relations'),
        observations: count('SELECT count(*) AS n FROM observations'),
        entity_types: types('SELECT type, count(*) AS count FROM entities GROUP BY type ORDER BY count DESC, type LIMIT 50'),
        relation_types: types('SELECT type, count(*) AS count FROM relations GROUP BY type ORDER BY count DESC, type LIMIT 50'),
      };
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
