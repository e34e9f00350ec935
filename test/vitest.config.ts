import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Two projects. "unit" needs nothing outside Node. "integration" starts the
 * real components once per run (Neo4j, Redis, llama.cpp's server; see
 * test/setup/) and fails, naming the missing install step, when one cannot start.
 */
export default defineConfig({
  root,
  test: {
    setupFiles: ['test/setup/reflect.ts'],
    // Quiet servers; a test that wants logs sets its own level. Servers the
    // suite starts offer every tool; the toolset tests set their own.
    env: { LLMOS_LOG_LEVEL: process.env.LLMOS_LOG_LEVEL ?? 'warn', LLMOS_TOOLSETS: process.env.LLMOS_TOOLSETS ?? 'all' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/infra/**/*.test.ts'],
          globalSetup: ['test/setup/global-neo4j.ts', 'test/setup/global-redis.ts', 'test/setup/global-llama.ts'],
          fileParallelism: false,
          // After the unit tests, never beside them: the in-process model is CPU-bound, and
          // llama.cpp's threads slow down by an order of magnitude when they share the cores.
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        // Statistical validation that needs minutes of CPU; alone, last.
        test: { name: 'validation', include: ['test/validation/**/*.test.ts'], sequence: { groupOrder: 2 } },
      },
    ],
  },
});
