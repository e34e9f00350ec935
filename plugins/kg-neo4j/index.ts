import { definePlugin, z, claimKgStore, renamedOptions } from '../../src/plugin-api/index.js';
import { Neo4jKnowledgeStore } from './neo4j-store.js';

/** Options win over NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE; the older name connectTimeoutMs is accepted (deprecated). */
const OptionsObject = z.object({
  uri: z.string().min(1).optional().describe('Bolt URI, e.g. bolt://127.0.0.1:7687; default NEO4J_URI, else bolt://127.0.0.1:7687.'),
  username: z.string().optional().describe('Default NEO4J_USERNAME; leave both unset for a server with auth disabled.'),
  password: z.string().optional().describe('Default NEO4J_PASSWORD.'),
  database: z.string().optional().describe('Default NEO4J_DATABASE, else the server default.'),
  connect_timeout_ms: z.number().int().min(100).max(120_000).default(5_000).describe('How long a call waits for Neo4j before LLMOS_EKGUNAVAILABLE.'),
});
const Options = renamedOptions(OptionsObject, { connectTimeoutMs: 'connect_timeout_ms' });

export default definePlugin({
  name: 'kg-neo4j',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Knowledge store on Neo4j 5 (neo4j-driver 6): MERGE-idempotent writes, a fulltext index for search, plus kg_schema and a guarded kg_cypher_read.',
  provides: ['knowledge'],
  options: Options,
  register(scope, o) {
    const env = process.env;
    const store = new Neo4jKnowledgeStore({
      uri: o.uri ?? env.NEO4J_URI ?? 'bolt://127.0.0.1:7687',
      username: o.username ?? env.NEO4J_USERNAME ?? undefined,
      password: o.password ?? env.NEO4J_PASSWORD ?? undefined,
      database: o.database ?? (env.NEO4J_DATABASE || undefined),
      connectTimeoutMs: o.connect_timeout_ms,
    });
    scope.onClose(() => store.close());
    claimKgStore(scope, store);
    /**
     * Creates the constraint and fulltext index. When Neo4j is down the server
     * still boots: kg_* calls answer LLMOS_EKGUNAVAILABLE and the first call
     * after Neo4j is back creates them.
     */
    const start = async () => {
      try {
        await store.ensureSchema();
        scope.log.info('Neo4j knowledge store ready');
      } catch (e) {
        scope.log.warn({ err: e }, 'Neo4j is not reachable yet; kg_* calls fail with LLMOS_EKGUNAVAILABLE until it is');
      }
    };
    return { start };
  },
});
