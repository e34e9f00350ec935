import { isAbsolute, join } from 'node:path';
import { definePlugin, z, claimKgStore, renamedOptions } from '../../src/plugin-api/index.js';
import { SqliteKnowledgeStore } from './sqlite-store.js';

export default definePlugin({
  name: 'kg-embedded',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'The default knowledge store: one SQLite file (WAL, transactions) under the data directory; safe for several LLMOS processes sharing it.',
  provides: ['knowledge'],
  options: renamedOptions(
    z.object({
      file: z.string().min(1).default('kg.sqlite').describe('The SQLite file; relative paths are under LLMOS_DATA_DIR.'),
      busy_timeout_ms: z.number().int().min(0).max(600_000).default(10_000).describe('How long a write waits for another process holding the lock.'),
    }),
    { busyTimeoutMs: 'busy_timeout_ms' },
  ),
  register(scope, { file, busy_timeout_ms }) {
    const store = new SqliteKnowledgeStore(isAbsolute(file) ? file : join(scope.dataDir, file), busy_timeout_ms);
    scope.onClose(() => store.close());
    claimKgStore(scope, store);
    scope.log.info({ file: store.file }, 'embedded knowledge store open');
  },
});
