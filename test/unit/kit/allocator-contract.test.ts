import { expect, it } from 'vitest';
import { allocatorContract } from '../../../src/plugin-api/testing/index.js';
import { defaultPlugins } from './default-plugins.js';

const kernel = await defaultPlugins((name) => name.startsWith('alloc-'));
const names = kernel.allocators.names();

it('covers every allocator of the default config', () => {
  expect([...names].sort()).toEqual(['bandit', 'bandit-thompson', 'bandit-ucb1', 'perf', 'rules']);
});

for (const name of names) allocatorContract(name, kernel.allocators.factory(name)!);
