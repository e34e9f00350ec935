import { bootOffline, configPath } from '../boot.js';
import { LlmosError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { PluginOptionOverrides } from '../loader/config.js';
import type { Scheduler, SchedulerFactory } from '../core/scheduler.js';

/** Where the simulator's schedulers come from: a plugin config, as `llmos serve` loads it. */
export interface PolicySource {
  /** The plugin config file; default configPath(), the very file `llmos serve` reads. */
  config?: string;
  /** Options laid over the config's, per plugin name, e.g. {"sched-sjf": {"aging": 0.25}}. */
  pluginOptions?: PluginOptionOverrides;
  logger?: Logger;
}

/**
 * The scheduler factories of the configured kernel, by scheduler name: the
 * config's scheduler plugins, registered (never started) by the real loader,
 * taken from kernel.schedulers. Every call registers afresh, so learned state
 * (job-size estimates) starts empty.
 */
export async function schedulerFactories(src: PolicySource = {}): Promise<Map<string, SchedulerFactory>> {
  const { kernel, close } = await bootOffline({ config: src.config ?? configPath(), provides: ['scheduler'], options: src.pluginOptions, logger: src.logger });
  try {
    return new Map(kernel.schedulers.names().map((name) => [name, kernel.schedulers.factory(name)!]));
  } finally {
    await close();
  }
}

/** One fresh scheduler instance by name, as the configured kernel would make it. */
export async function makeScheduler(name: string, src: PolicySource = {}): Promise<Scheduler> {
  const factories = await schedulerFactories(src);
  const make = factories.get(name);
  if (!make) throw new LlmosError('LLMOS_EINVAL', `no scheduler named "${name}" in ${src.config ?? configPath()}; available: ${[...factories.keys()].join(', ') || 'none'}. Enable the plugin that provides it or pick another --policy.`);
  return make();
}
