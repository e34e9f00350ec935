import { definePlugin } from '../../src/plugin-api/index.js';
import { allocSyscalls } from './syscalls.js';

/** The allocation syscalls: alloc_get, alloc_set, proc_feedback, alloc_explain. */
export default definePlugin({
  name: 'alloc-core',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Syscalls to inspect, switch and teach the allocator, and to explain any allocation.',
  provides: ['syscall'],
  register(scope) {
    for (const s of allocSyscalls(scope.kernel)) scope.syscall(s);
  },
});
