import { defineSyscall, z, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { GraphArg, type GraphAccess } from './graph-policy.js';
import { SchemaOut } from './schemas.js';

export const cypherLimits = { defaultTimeoutMs: 5_000, maxTimeoutMs: 60_000, defaultRows: 100, maxRows: 1_000, maxBytes: 64 * 1024 } as const;

/**
 * kg_schema and kg_cypher_read, added only when the active store implements
 * schema() and cypherRead() (kg-neo4j does, kg-embedded does not).
 * kg_schema describes one graph. kg_cypher_read is for admins only, always:
 * a native query sees every graph of the database (graphs are a property
 * filter on Neo4j Community, which has one user database), so no other
 * owner may run one, whether or not named users are configured.
 */
export function nativeSyscalls(store: KnowledgeStore, graphs: GraphAccess) {
  const out = [];
  if (store.schema) {
    const schema = store.schema.bind(store);
    out.push(
      defineSyscall({
        name: 'kg_schema',
        toolset: 'kg',
        title: 'Knowledge graph schema',
        description: `Entity and relation types with counts, and the ${store.kind} store's own schema (labels, relationship types, property keys, indexes), of one graph (your own by default). Read it before writing kg_cypher_read queries.`,
        input: z.object({ graph: GraphArg.optional() }),
        output: SchemaOut,
        annotations: { readOnlyHint: true, idempotentHint: true },
        handler: ({ graph }, ctx) => schema(graphs.read(ctx.owner, graph)),
      }),
    );
  }
  if (store.cypherRead) {
    const cypherRead = store.cypherRead.bind(store);
    out.push(
      defineSyscall({
        name: 'kg_cypher_read',
        toolset: 'kg',
        title: 'Read-only Cypher query',
        description:
          'Admins only. Runs ONE read-only Cypher query on the whole knowledge-graph database, every graph included (entities are (:Entity {graph, name, type, observations}); filter on graph, e.g. {graph: "@shared"}; relation types are relationship types; see kg_schema). Writes, LOAD CSV, file/URL access, dbms.*/apoc.load.* and similar are refused with LLMOS_EPERM. Pass values in params, not in the query text. Results are capped (max_rows, 64 KB) with a truncation note; the query is cancelled after timeout_ms.',
        input: z.object({
          query: z.string().min(1).max(20_000),
          params: z.record(z.string(), z.unknown()).default({}),
          timeout_ms: z.number().int().min(100).max(cypherLimits.maxTimeoutMs).default(cypherLimits.defaultTimeoutMs),
          max_rows: z.number().int().min(1).max(cypherLimits.maxRows).default(cypherLimits.defaultRows),
        }),
        output: z.object({
          columns: z.array(z.string()),
          rows: z.array(z.record(z.string(), z.unknown())),
          truncated: z.boolean(),
          note: z.string().optional(),
        }),
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
        admin: true, // sees every owner's graph
        handler: ({ query, params, timeout_ms, max_rows }) => cypherRead(query, { params, timeoutMs: timeout_ms, maxRows: max_rows, maxBytes: cypherLimits.maxBytes }),
      }),
    );
  }
  return out;
}
