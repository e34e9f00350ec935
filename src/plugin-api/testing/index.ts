/**
 * The plugin author's kit: one vitest contract suite per extension point,
 * exported as "llmos/plugin-api/testing". It imports vitest, so only tests
 * import it; the runtime plugin API ("llmos/plugin-api") never does.
 */
export { schedulerContract, type SchedulerContractOptions } from './scheduler.js';
export { allocatorContract, contractModel, type AllocatorContractOptions } from './allocator.js';
export { modelBackendContract, ModelInfoShape, type ModelBackendContractOptions } from './model.js';
export { kgStoreContract, type StoreFactory } from './knowledge.js';
export { profilerContract } from './profiler.js';
export { syscallContract, contractContext } from './syscall.js';
export { fakeProcess, fakeExit, type FakeProcessInit, type FakeExit } from './fake-process.js';
export { contractTask } from './tasks.js';
