import { bootOffline, configPath } from '../boot.js';
import { LlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Logger } from '../core/log.js';
import { TaskSchema, type Task } from '../core/task.js';
import { applyProfile } from '../core/profiler.js';
import type { PluginOptionOverrides } from '../loader/config.js';
import type { Allocator } from '../core/allocator.js';
import type { ModelInfo } from '../core/model.js';

export interface HostOptions {
  /** The plugin config whose allocator and profiler plugins replay loads; default configPath(), the file `llmos serve` reads. */
  config?: string;
  /** Options per plugin name, laid over the config's; names the config does not list are ignored. */
  pluginOptions?: PluginOptionOverrides;
  logger?: Logger;
}

/**
 * A kernel with the config's allocator and profiler plugins, registered by the
 * real loader and never started, in a throw-away data dir: replay never loads
 * a model and never touches the user's saved bandit state (alloc-bandit runs
 * with persist off).
 */
export class ReplayHost {
  private constructor(
    readonly kernel: Kernel,
    readonly close: () => Promise<void>,
  ) {}

  static async open(opts: HostOptions = {}): Promise<ReplayHost> {
    const options = { ...opts.pluginOptions, 'alloc-bandit': { ...opts.pluginOptions?.['alloc-bandit'], persist: false } };
    const { kernel, close } = await bootOffline({ config: opts.config ?? configPath(), provides: ['allocator', 'profiler'], options, strictOptions: false, logger: opts.logger });
    return new ReplayHost(kernel, close);
  }

  /** A fresh instance of the named allocator, made active as alloc_set would. */
  allocator(name: string): Allocator {
    if (!this.kernel.allocators.has(name))
      throw new LlmosError('LLMOS_EINVAL', `no allocator named "${name}"; available: ${this.kernel.allocators.names().join(', ')}.`, { available: this.kernel.allocators.names() });
    return this.kernel.setAllocator(name);
  }

  /** The task the kernel would build at spawn: defaults, then the profile under explicit fields. */
  task(prompt: string): Task {
    const task = TaskSchema.parse({ prompt });
    const prof = this.kernel.profiler?.profile(task);
    return prof ? applyProfile(task, prof) : task;
  }
}

/** Candidates for replayed models. Prices are unknown (0): the allocator learns cost from feedback. */
export function replayCandidates(models: string[]): ModelInfo[] {
  return models.map((id) => ({
    id,
    version: 'recorded',
    backend: 'route-eval',
    capabilities: { context_window: 1_000_000, max_output_tokens: 4096, streaming: false, tool_calling: false },
    pricing: { input_per_1k: 0, output_per_1k: 0 },
    expected_tokens_per_s: 0,
    concurrency: 1,
  }));
}
