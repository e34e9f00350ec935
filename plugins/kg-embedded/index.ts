import { isAbsolute, join } from 'node:path';
import { definePlugin, z, claimKgStore, KG_STORE_TOKEN, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { SqliteKnowledgeStore } from './sqlite-store.js';

export default definePlugin({
  name: 'kg-embedded',
  version: '1.0.0',
  description: 'The default knowledge store: one SQLite file (WAL, transactions) under the data directory; safe for several LLMOS processes sharing it.',
  provides: ['knowledge'],
  options: z.object({
    file: z.string().min(1).default('kg.sqlite').describe('The SQLite file; relative paths are under LLMOS_DATA_DIR.'),
    busyTimeoutMs: z.number().int().min(0).max(600_000).default(10_000).describe('How long a write waits for another process holding the lock.'),
  }),
  register(scope, { file, busyTimeoutMs }) {
    const store = new SqliteKnowledgeStore(isAbsolute(file) ? file : join(scope.dataDir, file), busyTimeoutMs);
    try {
      claimKgStore(scope, store);
    } catch (e) {
      void store.close();
      throw e;
    }
    scope.log.info({ file: store.file }, 'embedded knowledge store open');
  },
  async stop(scope) {
    await scope.resolve<KnowledgeStore>(KG_STORE_TOKEN).close();
  },
});
