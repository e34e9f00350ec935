/**
 * Tables of the embedded knowledge store. Every entity belongs to one graph
 * (an owner id, or KG_SHARED_GRAPH), and its name is unique in that graph.
 * Observations keep insertion order (by id) and are unique per entity;
 * relations are unique per (from, type, to) and join entities of one graph
 * (the store checks it); deleting an entity cascades to its observations and
 * relations. entity_fts holds one search document per entity (rowid =
 * entities.id), rewritten by the store on every change to that entity; its
 * first column is the graph's key (kgGraphKey), so a search matches inside one
 * graph through the index, and prefix indexes of 2 and 3 characters keep
 * short prefixes cheap.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS entities (
  id    INTEGER PRIMARY KEY,
  graph TEXT NOT NULL,
  name  TEXT NOT NULL,
  type  TEXT NOT NULL,
  UNIQUE (graph, name)
);
CREATE INDEX IF NOT EXISTS entities_graph_type ON entities(graph, type);
CREATE TABLE IF NOT EXISTS observations (
  id        INTEGER PRIMARY KEY,
  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  text      TEXT NOT NULL,
  UNIQUE (entity_id, text)
);
CREATE INDEX IF NOT EXISTS observations_in_order ON observations(entity_id, id);
CREATE TABLE IF NOT EXISTS relations (
  from_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  to_id   INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  type    TEXT NOT NULL,
  PRIMARY KEY (from_id, type, to_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relations_to ON relations(to_id);
CREATE VIRTUAL TABLE IF NOT EXISTS entity_fts USING fts5(gkey, name, type, observations, tokenize = "unicode61 tokenchars '_'", prefix = '2 3');
`;

/** Rewrites the search document of entity `id` (none when the entity is gone); parameters @id and @gkey (its graph's key). */
export const REINDEX_SQL = `
INSERT INTO entity_fts(rowid, gkey, name, type, observations)
SELECT e.id, @gkey, e.name, e.type, coalesce((SELECT group_concat(text, char(10)) FROM observations WHERE entity_id = e.id), '')
FROM entities e WHERE e.id = @id`;
