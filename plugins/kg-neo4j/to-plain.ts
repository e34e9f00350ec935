import neo4j from 'neo4j-driver';

/**
 * Turns a value from a Neo4j record into plain JSON: nodes become
 * {labels, properties}, relationships {type, start, end, properties}
 * (start/end are element ids), paths lists of segments, integers numbers
 * (strings when unsafe), temporal and spatial values their ISO/string form.
 */
export function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (neo4j.isInt(v)) return neo4j.integer.inSafeRange(v) ? neo4j.integer.toNumber(v) : neo4j.integer.toString(v);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (neo4j.isNode(v)) return { labels: v.labels, properties: toPlain(v.properties) };
  if (neo4j.isRelationship(v)) return { type: v.type, start: v.startNodeElementId, end: v.endNodeElementId, properties: toPlain(v.properties) };
  if (neo4j.isPath(v)) return v.segments.map((s) => ({ start: toPlain(s.start), relationship: toPlain(s.relationship), end: toPlain(s.end) }));
  if (neo4j.isPoint(v) || neo4j.isDate(v) || neo4j.isDateTime(v) || neo4j.isLocalDateTime(v) || neo4j.isLocalTime(v) || neo4j.isTime(v) || neo4j.isDuration(v)) return String(v);
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toPlain(x)]));
}
