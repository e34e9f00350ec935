import type { Session } from 'neo4j-driver';
import { KG_SHARED_GRAPH, kgGraphKey } from '../../src/plugin-api/index.js';

/** The fulltext index over Entity(gkey, name, type, observations); gkey lets a search require its graph through the index. */
export const FULLTEXT_INDEX = 'kg_entity_graph_search';
/** Names unique per graph: a composite uniqueness constraint (Neo4j Community has those, not node keys). */
export const NAME_CONSTRAINT = 'kg_entity_graph_name';
/** What a database written before graphs existed holds; dropped once its entities joined the shared graph. */
const OLD_CONSTRAINT = 'kg_entity_name';
const OLD_INDEX = 'kg_entity_search';

/**
 * Brings the database to the graph-scoped schema and waits for its indexes.
 * Migration of a database written before graphs existed: every Entity
 * without a graph joins the shared graph (KG_SHARED_GRAPH), in batches, and
 * the name-only constraint and the old fulltext index are dropped.
 * Idempotent, so every LLMOS process may run it at start.
 */
export async function createGraphSchema(s: Session): Promise<void> {
  await s.run('MATCH (e:Entity) WHERE e.graph IS NULL CALL (e) { SET e.graph = $graph, e.gkey = $gkey } IN TRANSACTIONS OF 10000 ROWS', {
    graph: KG_SHARED_GRAPH,
    gkey: kgGraphKey(KG_SHARED_GRAPH),
  });
  await s.run(`DROP CONSTRAINT ${OLD_CONSTRAINT} IF EXISTS`);
  await s.run(`DROP INDEX ${OLD_INDEX} IF EXISTS`);
  await s.run(`CREATE CONSTRAINT ${NAME_CONSTRAINT} IF NOT EXISTS FOR (e:Entity) REQUIRE (e.graph, e.name) IS UNIQUE`);
  await s.run(`CREATE FULLTEXT INDEX ${FULLTEXT_INDEX} IF NOT EXISTS FOR (e:Entity) ON EACH [e.gkey, e.name, e.type, e.observations]`);
  await s.run('CALL db.awaitIndexes(60)');
}
