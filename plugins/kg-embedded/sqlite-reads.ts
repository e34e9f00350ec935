import type Database from 'better-sqlite3';
import { KG_READ_MAX_CHARS, KG_SEARCH_LIMITS, kgGraphKey, kgSearchTerms, type KgEntity, type KgRelation, type KgSubgraph } from '../../src/plugin-api/index.js';

type Row = { id: number; name: string; type: string };

/**
 * Entities for `ids` (one graph's, in the ids' order) with their observations
 * in insertion order, reading observation rows only while their text stays
 * within maxChars: the first entity may be cut, the entity being read when
 * the budget runs out (and every later one) is left out, and truncated is set.
 */
export function entitiesByIds(db: Database.Database, ids: number[], maxChars = KG_READ_MAX_CHARS): { entities: KgEntity[]; truncated: boolean } {
  if (!ids.length) return { entities: [], truncated: false };
  const rows = db.prepare('SELECT id, name, type FROM entities WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as Row[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const obs = db.prepare('SELECT text FROM observations WHERE entity_id = ? ORDER BY id').pluck();
  const entities: KgEntity[] = [];
  let used = 0;
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    const e: KgEntity = { name: row.name, type: row.type, observations: [] };
    for (const text of obs.iterate(id) as IterableIterator<string>) {
      used += text.length;
      if (used > maxChars) {
        if (!entities.length) entities.push(e);
        return { entities, truncated: true };
      }
      e.observations.push(text);
    }
    entities.push(e);
  }
  return { entities, truncated: false };
}

/** Relations among the given ids (`both`), touching one of them (`touching`), or starting at one (`from`). */
export function relationsOf(db: Database.Database, ids: number[], mode: 'both' | 'touching' | 'from'): KgRelation[] {
  if (!ids.length) return [];
  const where = { both: 'r.from_id IN ids AND r.to_id IN ids', touching: 'r.from_id IN ids OR r.to_id IN ids', from: 'r.from_id IN ids' }[mode];
  return db
    .prepare(
      `WITH ids(id) AS (SELECT value FROM json_each(?))
       SELECT f.name AS "from", t.name AS "to", r.type AS type
       FROM relations r JOIN entities f ON f.id = r.from_id JOIN entities t ON t.id = r.to_id
       WHERE ${where.replaceAll('IN ids', 'IN (SELECT id FROM ids)')}
       ORDER BY f.name, r.type, t.name`,
    )
    .all(JSON.stringify(ids)) as KgRelation[];
}

/**
 * The FTS5 query for `query` in `graph`: the graph's key AND any of the
 * words (prefixes, or whole words when short), undefined when there are none.
 */
export function ftsQuery(graph: string, query: string): string | undefined {
  const terms = kgSearchTerms(query);
  if (!terms.length) return undefined;
  const words = terms.map((t) => `"${t.word.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' OR ');
  return `{gkey} : "${kgGraphKey(graph)}" AND {name type observations} : (${words})`;
}

/**
 * A bounded search: at most KG_SEARCH_LIMITS.maxCandidates matching rows are
 * read (in rowid order, stopping there), and the best `limit` of them by
 * bm25 (the graph-key column weighs nothing) are returned with their
 * relations among them.
 */
export function searchGraph(db: Database.Database, graph: string, query: string, limit: number, maxChars?: number): KgSubgraph {
  const match = ftsQuery(graph, query);
  if (!match) return { entities: [], relations: [] };
  const ids = db
    .prepare(
      `SELECT id FROM (SELECT rowid AS id, bm25(entity_fts, 0.0, 1.0, 1.0, 1.0) AS score FROM entity_fts WHERE entity_fts MATCH ? LIMIT ?)
       ORDER BY score, id LIMIT ?`,
    )
    .pluck()
    .all(match, KG_SEARCH_LIMITS.maxCandidates, limit) as number[];
  const { entities, truncated } = entitiesByIds(db, ids, maxChars);
  return { entities, relations: relationsOf(db, ids, 'both'), ...(truncated ? { truncated } : {}) };
}
