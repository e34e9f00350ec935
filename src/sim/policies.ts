import type { PluginDefinition, PluginScope } from '../plugin-api/plugin.js';
import type { Scheduler, SchedulerFactory } from '../core/scheduler.js';
import fcfs from '../../plugins/sched-fcfs/index.js';
import fair from '../../plugins/sched-fair/index.js';
import hrrn from '../../plugins/sched-hrrn/index.js';
import priority from '../../plugins/sched-priority/index.js';
import sjf from '../../plugins/sched-sjf/index.js';

/** The scheduler plugins the simulator drives: the very modules the kernel loads. */
export const SCHEDULER_PLUGINS: PluginDefinition[] = [fcfs, sjf, priority, hrrn, fair] as PluginDefinition[];

/**
 * Registers every scheduler plugin against a minimal scope that captures
 * scheduler factories (and the services they provide each other), exactly as
 * the loader would, and returns the factories by scheduler name. `options`
 * maps plugin names to their options, as in llmos.plugins.json. Every call
 * registers afresh, so learned state (job-size estimates) starts empty.
 */
export async function schedulerFactories(options: Record<string, unknown> = {}): Promise<Map<string, SchedulerFactory>> {
  const factories = new Map<string, SchedulerFactory>();
  const services = new Map<symbol, unknown>();
  const unsupported = (what: string) => () => {
    throw new Error(`the simulator gives scheduler plugins no "${what}"; a scheduler must only order processes`);
  };
  const noop = () => {};
  const log = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => log } as unknown as PluginScope['log'];
  for (const def of SCHEDULER_PLUGINS) {
    const known: Partial<PluginScope> = {
      name: def.name,
      log,
      dataDir: '',
      scheduler: (name: string, make: SchedulerFactory) => void factories.set(name, make),
      schedulerFactory: (name: string) => factories.get(name),
      provide: <T>(token: symbol, value: T) => void services.set(token, value),
      resolve: <T>(token: symbol): T => {
        if (!services.has(token)) throw new Error(`plugin ${def.name} needs ${String(token)}, which no scheduler plugin provides`);
        return services.get(token) as T;
      },
    };
    // Anything else a plugin reaches for (kernel, syscall, model, …) fails loudly: schedulers must not need it.
    const scope = new Proxy(known, {
      get: (t, prop) => (prop in t ? t[prop as keyof PluginScope] : typeof prop === 'string' ? unsupported(prop)() : undefined),
    }) as PluginScope;
    const opts = def.options ? def.options.parse(options[def.name] ?? {}) : {};
    await def.register(scope, opts);
  }
  return factories;
}

/** One scheduler instance by name. */
export async function makeScheduler(name: string, options: Record<string, unknown> = {}): Promise<Scheduler> {
  const f = await schedulerFactories(options);
  const make = f.get(name);
  if (!make) throw new Error(`no scheduler named "${name}"; available: ${[...f.keys()].join(', ')}`);
  return make();
}
