import { LlmosError } from '../core/errors.js';
import type { KernelApi } from '../core/kernel-api.js';
import { kernelApi } from '../kernel/api.js';
import { runHost } from '../kernel/run-host.js';
import type { Kernel } from '../kernel/kernel.js';
import type { PluginDefinition, PluginScope, Provides } from '../plugin-api/plugin.js';

/** A plugin's area, the toolset its syscalls join unless they declare one: its name up to the first "-" (kg-neo4j: kg). */
const pluginArea = (name: string) => name.split('-')[0].toLowerCase().replace(/[^a-z0-9-]/g, '').slice(0, 32) || 'plugins';

/**
 * Builds one plugin's scope; every contribution is checked against its
 * declared `provides`. `onClose` receives the plugin's close hooks (the
 * loader runs them; see PluginScope.onClose).
 */
export function makeScope(kernel: Kernel, def: PluginDefinition, onClose: PluginScope['onClose'], api: KernelApi = kernelApi(kernel)): PluginScope {
  const must = (what: Provides) => {
    if (!def.provides.includes(what))
      throw new LlmosError('LLMOS_EPLUGIN', `plugin "${def.name}": adds a ${what} but does not declare "${what}" in provides.`);
  };
  return {
    name: def.name,
    log: kernel.log.child({ plugin: def.name }),
    dataDir: kernel.dataDir,
    kernel: api,
    syscall: (s) => (must('syscall'), kernel.syscalls.add(s.toolset ? s : { ...s, toolset: pluginArea(def.name) })),
    resource: (r) => (must('resource'), kernel.resources.add(r)),
    model: (b) => (must('model'), kernel.addModel(b)),
    scheduler: (name, make) => (must('scheduler'), kernel.schedulers.provide(name, def.name, make)),
    schedulerFactory: (name) => kernel.schedulers.factory(name),
    allocator: (name, make) => (must('allocator'), kernel.allocators.provide(name, def.name, make)),
    profiler: (p) => (must('profiler'), (kernel.profiler = p)),
    onSession: (hook) => kernel.sessionHooks.push(hook),
    spawnHook: (hook) => (must('syscall'), kernel.addSpawnHook(hook)),
    http: (routes) => (must('transport'), kernel.httpRoutes.push(routes)),
    readyQueue: (make) => (must('queue'), kernel.provideReadyQueue(def.name, () => make(runHost(kernel)))),
    journal: (j) => (must('journal'), kernel.provideJournal(def.name, j)),
    pidSource: (next) => (must('queue'), kernel.providePidSource(def.name, next)),
    spendLedger: (ledger) => (must('ledger'), kernel.provideSpendLedger(def.name, ledger)),
    provide: (token, value) => kernel.container.registerInstance(token, value),
    onClose,
    has: (token) => kernel.container.isRegistered(token, true),
    resolve: <T>(token: symbol): T => {
      if (!kernel.container.isRegistered(token, true))
        throw new LlmosError('LLMOS_EPLUGIN', `plugin "${def.name}": needs ${String(token)}, which no loaded plugin provides; enable the plugin that provides it and list it in dependsOn.`);
      return kernel.container.resolve<T>(token);
    },
  };
}
