import { kgStoreContract } from '../../unit/kg/contract.js';
import { emptyNeo4jStore } from './neo4j-helpers.js';

kgStoreContract('kg-neo4j (real Neo4j)', async () => {
  const store = await emptyNeo4jStore();
  return { store, cleanup: () => store.close() };
});
