import { expect, it } from 'vitest';
import { profilerContract } from '../../../src/plugin-api/testing/index.js';
import { defaultPlugins } from './default-plugins.js';

const kernel = await defaultPlugins((name) => name.startsWith('profile-'));

it('registers the default config\'s profiler', () => {
  expect(kernel.profiler).toBeDefined();
});

profilerContract('profile-basic', () => kernel.profiler!);
