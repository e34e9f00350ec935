import neo4j from 'neo4j-driver';
import { expect, it } from 'vitest';
import { Neo4jKnowledgeStore } from '../../../plugins/kg-neo4j/neo4j-store.js';
import { KG_SHARED_GRAPH } from '../../../src/core/knowledge.js';
import { kgStoreContract } from '../../../src/plugin-api/testing/index.js';
import { emptyNeo4jStore, neo4jUri, wipe } from './neo4j-helpers.js';

kgStoreContract('kg-neo4j (real Neo4j)', async () => {
  const store = await emptyNeo4jStore();
  return { store, cleanup: () => store.close() };
});

it('moves entities written before graphs existed into the shared graph, and drops the name-only constraint', async () => {
  const uri = neo4jUri();
  await wipe(uri);
  const d = neo4j.driver(uri);
  try {
    await d.executeQuery("CREATE (a:Entity:person {name: 'Alice', type: 'person', observations: ['likes tea']})-[:works_at]->(:Entity:company {name: 'Acme', type: 'company', observations: []})");
    await d.executeQuery('DROP CONSTRAINT kg_entity_graph_name IF EXISTS');
    await d.executeQuery('CREATE CONSTRAINT kg_entity_name IF NOT EXISTS FOR (e:Entity) REQUIRE e.name IS UNIQUE');
    const store = new Neo4jKnowledgeStore({ uri, connectTimeoutMs: 5_000 });
    try {
      const g = await store.openNodes(KG_SHARED_GRAPH, ['Alice']);
      expect(g.entities).toEqual([{ name: 'Alice', type: 'person', observations: ['likes tea'] }]);
      expect(g.relations).toEqual([{ from: 'Alice', to: 'Acme', type: 'works_at' }]);
      expect((await store.search(KG_SHARED_GRAPH, 'tea', 5)).entities.map((e) => e.name)).toEqual(['Alice']);
      expect(await store.createEntities('user:bob', [{ name: 'Alice', type: 'person', observations: [] }])).toHaveLength(1);
      const { records } = await d.executeQuery('SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names');
      expect(records[0].get('names')).not.toContain('kg_entity_name');
    } finally {
      await store.close();
    }
  } finally {
    await d.close();
  }
});
