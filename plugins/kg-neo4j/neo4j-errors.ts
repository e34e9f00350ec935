import neo4j from 'neo4j-driver';
import { LlmosError } from '../../src/plugin-api/index.js';

/**
 * Maps a neo4j-driver error to an LlmosError. Connection failures become
 * LLMOS_EKGUNAVAILABLE (the driver keeps no dead connection: the next call
 * dials again, so the store recovers by itself once Neo4j is back). A query
 * over Neo4j's memory limits (db.memory.transaction.max, or the heap itself)
 * becomes LLMOS_ETOOBIG.
 */
export function mapNeo4jError(e: unknown, uri: string): unknown {
  if (e instanceof LlmosError) return e;
  const code = String((e as { code?: unknown }).code ?? '');
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (code === neo4j.error.SERVICE_UNAVAILABLE || code === neo4j.error.SESSION_EXPIRED || /ECONNREFUSED|ECONNRESET|connection.*(closed|refused|timed out)|Pool is closed|acquisition timed out/i.test(msg))
    return new LlmosError('LLMOS_EKGUNAVAILABLE', `Neo4j at ${uri} cannot be reached (${msg}); start Neo4j or check NEO4J_URI. LLMOS reconnects by itself once it is back.`, { uri });
  if (code === 'Neo.ClientError.Security.Unauthorized' || code === 'Neo.ClientError.Security.AuthenticationRateLimit')
    return new LlmosError('LLMOS_EKGUNAVAILABLE', `Neo4j at ${uri} refused the credentials (${msg}); check NEO4J_USERNAME and NEO4J_PASSWORD.`, { uri });
  if (code.startsWith('Neo.ClientError.Transaction.TransactionTimedOut') || /timed out/i.test(code))
    return new LlmosError('LLMOS_ETIMEDOUT', `the Neo4j query ran past its timeout (${msg}); narrow it (LIMIT, a starting node) or raise timeout_ms.`);
  if (/OutOfMemoryError$/.test(code))
    return new LlmosError('LLMOS_ETOOBIG', `the Neo4j query needed more memory than one transaction may use (${msg}); aggregate less, add LIMIT, or build smaller lists and strings.`, { neo4j_code: code });
  if (code === 'Neo.ClientError.Statement.AccessMode' || code.startsWith('Neo.ClientError.Security.Forbidden'))
    return new LlmosError('LLMOS_EPERM', `Neo4j refused a write in a read-only session (${msg}); write through the kg_* tools.`, { layer: 'read-session' });
  if (code.startsWith('Neo.ClientError.Statement.') || code.startsWith('Neo.ClientError.Procedure.'))
    return new LlmosError('LLMOS_EINVAL', `Neo4j rejected the query: ${msg}. Fix the Cypher and call again.`, { neo4j_code: code });
  return e;
}
