import { definePlugin } from '../../src/plugin-api/index.js';
import { PriorityScheduler } from './class-queues.js';
import { PriorityOptions } from './options.js';

export { PriorityScheduler } from './class-queues.js';
export { PriorityOptions } from './options.js';

export default definePlugin({
  name: 'sched-priority',
  version: '1.1.0',
  apiVersion: '^1.0.0',
  description: 'Priority classes 0..9, one FIFO per class, with bounded aging; optional preemption of less urgent running processes.',
  provides: ['scheduler'],
  options: PriorityOptions,
  register(scope, opts) {
    const make = () => new PriorityScheduler(opts);
    scope.scheduler('priority', make);
  },
});
