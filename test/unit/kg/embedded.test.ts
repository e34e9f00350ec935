import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteKnowledgeStore } from '../../../plugins/kg-embedded/sqlite-store.js';
import { kgStoreContract } from '../../../src/plugin-api/testing/index.js';

kgStoreContract('kg-embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-kg-'));
  const store = new SqliteKnowledgeStore(join(dir, 'kg.sqlite'));
  return { store, cleanup: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
});
