/** vitest globalSetup: one redis-server per run; tests read inject('redisUrl'). */
import type { TestProject } from 'vitest/node';
import { startRedis } from './components.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  return async () => redis.stop();
}
