import { LlmosError } from '../../src/plugin-api/index.js';

/**
 * kg_cypher_read's read-only guard: Neo4j itself parses the query (EXPLAIN),
 * so the guard and the database cannot disagree about what it means.
 *  1. the text is at most MAX_CYPHER_QUERY_CHARS long (assertQuerySize);
 *  2. EXPLAIN's query type is "r" (assertReadOnlyType);
 *  3. every operator and procedure of EXPLAIN's plan is on an allowlist
 *     (assertReadOnlyPlan in cypher-plan.ts);
 *  4. the query runs in a READ-mode session and transaction, with a timeout,
 *     and its result is capped (Neo4jKnowledgeStore.cypherRead, readCapped).
 * Neo4j's own settings add the rest (README "Neo4j hardening").
 */
export const MAX_CYPHER_QUERY_CHARS = 20_000;

/** Layer 1: refuses a query text longer than MAX_CYPHER_QUERY_CHARS with LLMOS_ETOOBIG. */
export function assertQuerySize(query: string): void {
  if (query.length > MAX_CYPHER_QUERY_CHARS)
    throw new LlmosError('LLMOS_ETOOBIG', `kg_cypher_read takes at most ${MAX_CYPHER_QUERY_CHARS} characters of Cypher (got ${query.length}); pass values in params and keep the query short.`, { max_chars: MAX_CYPHER_QUERY_CHARS });
}

/** Layer 2: EXPLAIN's query type must be "r" (read-only); "rw", "w" and "s" (schema/system) are refused. */
export function assertReadOnlyType(queryType: string | undefined): void {
  if (queryType !== 'r')
    throw new LlmosError('LLMOS_EPERM', `kg_cypher_read refused the query: Neo4j plans it as type "${queryType ?? 'unknown'}", not read-only ("r"). Write through the kg_* tools instead.`, { layer: 'explain', query_type: queryType ?? null });
}
