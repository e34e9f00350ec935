import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlmosError } from '../core/errors.js';
import { Kernel } from '../kernel/kernel.js';
import type { Logger } from '../core/log.js';
import { TaskSchema, type Task } from '../core/task.js';
import { loadPlugins } from '../loader/loader.js';
import { packageRoot } from '../loader/resolve.js';
import type { Allocator } from '../core/allocator.js';
import type { ModelInfo } from '../core/model.js';

/** The plugins replay loads, through the kernel's own loader, as `llmos serve` would. */
export const REPLAY_PLUGINS = ['profile-basic', 'alloc-bandit', 'alloc-rules', 'alloc-perf'] as const;

export interface HostOptions {
  /** Options per plugin name, merged over the replay defaults. */
  pluginOptions?: Record<string, Record<string, unknown>>;
  logger?: Logger;
}

/**
 * A kernel with the allocator plugins loaded from plugins/ by the real loader,
 * in a throw-away data dir (replay never touches the user's saved bandit state).
 */
export class ReplayHost {
  private constructor(
    readonly kernel: Kernel,
    private readonly stop: () => Promise<void>,
    private readonly dir: string,
  ) {}

  static async open(opts: HostOptions = {}): Promise<ReplayHost> {
    const dir = mkdtempSync(join(tmpdir(), 'llmos-route-'));
    const kernel = new Kernel({ dataDir: dir, logger: opts.logger });
    const defaults: Record<string, Record<string, unknown>> = { 'alloc-bandit': { persist: false } };
    const plugins = REPLAY_PLUGINS.map((name) => ({
      name,
      module: `./plugins/${name}`,
      enabled: true,
      options: { ...defaults[name], ...opts.pluginOptions?.[name] },
    }));
    try {
      const { stop } = await loadPlugins(kernel, { plugins, dir: packageRoot });
      return new ReplayHost(kernel, stop, dir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
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
    if (prof) {
      task.type ??= prof.type;
      task.language ??= prof.language;
      task.domain ??= prof.domain;
    }
    return task;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
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
