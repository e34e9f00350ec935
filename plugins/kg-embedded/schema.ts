/**
 * Tables of the embedded knowledge store. Observations keep insertion order
 * (by id) and are unique per entity; relations are unique per (from, type, to);
 * deleting an entity cascades to its observations and relations. entity_fts
 * holds one search document per entity (rowid = entities.id), rewritten by
 * the store on every change to that entity.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS entities (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_type ON entities(type);
CREATE TABLE IF NOT EXISTS observations (
  id        INTEGER PRIMARY KEY,
  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  text      TEXT NOT NULL,
  UNIQUE (entity_id, text)
);
CREATE TABLE IF NOT EXISTS relations (
  from_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  to_id   INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  type    TEXT NOT NULL,
  PRIMARY KEY (from_id, type, to_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relations_to ON relations(to_id);
CREATE VIRTUAL TABLE IF NOT EXISTS entity_fts USING fts5(name, type, observations, tokenize = "unicode61 tokenchars '_'");
`;
