import { inject } from 'vitest';
import { Neo4jKnowledgeStore } from '../../../plugins/kg-neo4j/neo4j-store.js';

/** The shared Neo4j from test/setup/global-neo4j.ts; fails (never skips) when it is missing. */
export function neo4jUri(): string {
  const uri = inject('neo4jUri');
  if (!uri) throw new Error("inject('neo4jUri') is empty: run `bash test/setup/install.sh` and keep test/setup/global-neo4j.ts in the integration globalSetup");
  return uri;
}

/** A store on the shared Neo4j with every Entity removed first. */
export async function emptyNeo4jStore(uri = neo4jUri()): Promise<Neo4jKnowledgeStore> {
  const store = new Neo4jKnowledgeStore({ uri, connectTimeoutMs: 5_000 });
  await store.ensureSchema();
  await wipe(uri);
  return store;
}

/** Deletes every node and relationship (the graph is ours during a test file; files run one at a time). */
export async function wipe(uri: string): Promise<void> {
  const { default: neo4j } = await import('neo4j-driver');
  const d = neo4j.driver(uri);
  const s = d.session();
  try {
    await s.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  } finally {
    await s.close();
    await d.close();
  }
}
