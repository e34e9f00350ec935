import { LlmosError } from '../../src/plugin-api/index.js';

/**
 * kg_cypher_read's read-only guard, layers 1 and 3 (layer 2, a READ-mode
 * session, is Neo4jKnowledgeStore.cypherRead's): layer 1 checks EXPLAIN's
 * query type (assertReadOnlyType); layer 3 is a deny-list of clauses and
 * procedures that reach files, URLs, admin functions or run their own
 * transactions, which EXPLAIN may still call read-only (assertNotDenied).
 *
 * It matches on a normalized text: comments removed, then whitespace and
 * backticks removed and lower-cased, so "apoc . load/*x*\/.json" and
 * "`apoc`.`load`.json" are caught too. It errs on the side of refusing
 * (a string literal that spells "load csv" is refused as well).
 */
const DENIED: Array<[needle: string, what: string]> = [
  ['loadcsv', 'LOAD CSV reads files and URLs'],
  ['intransactions', 'CALL { … } IN TRANSACTIONS commits its own transactions'],
  ['periodiccommit', 'USING PERIODIC COMMIT commits its own transactions'],
  ['dbms.', 'dbms.* procedures administer the server'],
  ['apoc.load', 'apoc.load.* reads files and URLs'],
  ['apoc.import', 'apoc.import.* reads files'],
  ['apoc.export', 'apoc.export.* writes files'],
  ['apoc.periodic', 'apoc.periodic.* runs background writes'],
  ['apoc.cypher', 'apoc.cypher.* runs arbitrary (write) Cypher'],
  ['apoc.do.', 'apoc.do.* runs write Cypher'],
  ['apoc.trigger', 'apoc.trigger.* installs triggers'],
  ['apoc.custom', 'apoc.custom.* declares procedures'],
  ['apoc.systemdb', 'apoc.systemdb.* reaches the system database'],
  ['apoc.util', 'apoc.util.* sleeps and validates with side effects'],
  ['apoc.log', 'apoc.log.* writes the server log'],
  ['apoc.refactor', 'apoc.refactor.* writes'],
  ['apoc.create', 'apoc.create.* writes'],
  ['apoc.merge', 'apoc.merge.* writes'],
  ['apoc.atomic', 'apoc.atomic.* writes'],
  ['apoc.lock', 'apoc.lock.* takes locks'],
  ['apoc.schema', 'apoc.schema.* changes indexes'],
  ['apoc.nodes.delete', 'apoc.nodes.delete writes'],
  ['apoc.static', 'apoc.static.* reads server configuration'],
  ['apoc.config', 'apoc.config.* reads server configuration'],
  ['gds.', 'gds.* procedures write graph projections'],
  ['db.create', 'db.create* procedures write'],
  ['db.drop', 'db.drop* procedures write'],
  ['db.index.fulltext.create', 'creating indexes writes'],
  ['tx.setmetadata', 'tx.setMetaData changes the transaction'],
  ['file:', 'file URLs reach the server file system'],
  ['http:', 'URLs reach the network'],
  ['https:', 'URLs reach the network'],
  ['ftp:', 'URLs reach the network'],
  ['jdbc:', 'JDBC URLs reach other databases'],
  [';', 'only one statement is allowed'],
];

/** Removes // and /* *\/ comments outside string literals; keeps literals intact. */
export function stripCypherComments(query: string): string {
  let out = '';
  for (let i = 0; i < query.length; ) {
    const c = query[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += query[j] === '\\' ? 2 : 1;
      out += query.slice(i, j + 1);
      i = j + 1;
    } else if (query.startsWith('//', i)) {
      const nl = query.indexOf('\n', i);
      i = nl < 0 ? query.length : nl;
    } else if (query.startsWith('/*', i)) {
      const end = query.indexOf('*/', i + 2);
      out += ' ';
      i = end < 0 ? query.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The text the deny-list matches: no comments, no whitespace, no backticks, lower case, one trailing ";" dropped. */
export function normalizeCypher(query: string): string {
  return stripCypherComments(query)
    .replace(/[\s`]+/g, '')
    .toLowerCase()
    .replace(/;+$/, '');
}

/** Throws LLMOS_EPERM naming the first denied construct in `query`. */
export function assertNotDenied(query: string): void {
  const norm = normalizeCypher(query);
  for (const [needle, what] of DENIED)
    if (norm.includes(needle))
      throw new LlmosError('LLMOS_EPERM', `kg_cypher_read refused the query: ${what} ("${needle}" is on the deny-list). Only single read-only MATCH/RETURN queries run here; write through the kg_* tools.`, { layer: 'deny-list', denied: needle });
}

/** Layer 1: EXPLAIN's query type must be "r" (read-only); "rw", "w" and "s" (schema) are refused. */
export function assertReadOnlyType(queryType: string | undefined): void {
  if (queryType !== 'r')
    throw new LlmosError('LLMOS_EPERM', `kg_cypher_read refused the query: Neo4j plans it as type "${queryType ?? 'unknown'}", not read-only ("r"). Write through the kg_* tools instead.`, { layer: 'explain', query_type: queryType ?? null });
}
