import { expect, it } from 'vitest';
import { schedulerContract } from '../../../src/plugin-api/testing/index.js';
import { defaultPlugins } from './default-plugins.js';

const kernel = await defaultPlugins((name) => name.startsWith('sched-'));
const names = kernel.schedulers.names();

it('covers every scheduler of the default config', () => {
  expect([...names].sort()).toEqual(['fair', 'fcfs', 'hrrn', 'priority', 'sjf']);
});

for (const name of names) schedulerContract(name, kernel.schedulers.factory(name)!);
