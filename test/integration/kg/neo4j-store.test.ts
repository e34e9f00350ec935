import { kgStoreContract } from '../../../src/plugin-api/testing/index.js';
import { emptyNeo4jStore } from './neo4j-helpers.js';

kgStoreContract('kg-neo4j (real Neo4j)', async () => {
  const store = await emptyNeo4jStore();
  return { store, cleanup: () => store.close() };
});
