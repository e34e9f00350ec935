import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir } from './core/data-dir.js';
import { Kernel } from './kernel/kernel.js';
import { createLogger } from './kernel/log.js';
import type { Logger } from './core/log.js';
import { checkEnvironment } from './kernel/params.js';
import { registerCoreSyscalls } from './kernel/sys/index.js';
import { readPluginConfig, withOptionOverrides, type PluginConfig, type PluginOptionOverrides } from './loader/config.js';
import { loadPlugins } from './loader/loader.js';
import { configPath, VERSION } from './loader/resolve.js';
import type { PluginDefinition, Provides } from './plugin-api/plugin.js';
import type { PolicyConfig } from './core/policy.js';


export { dataDir };

export { configPath, VERSION };

export interface BootOptions {
  /** A plugin config file, or one already read; omitted means only `inline` plugins load. */
  config?: string | Pick<PluginConfig, 'plugins' | 'dir'>;
  inline?: PluginDefinition[];
  dataDir?: string;
  logger?: Logger;
  startTimeoutMs?: number;
  /** false: plugins register but do not start (docs, config checks). */
  start?: boolean;
  /** Admin owner patterns; default from LLMOS_ADMINS. */
  admins?: readonly string[];
  /** Per-user policy; default the config's `policy` section. */
  policy?: PolicyConfig;
  /** Load only the plugins that provide one of these kinds (and their dependencies). */
  provides?: readonly Provides[];
}

/** The composition root: a kernel with its core syscalls and every configured plugin started. */
export async function boot(opts: BootOptions = {}): Promise<{ kernel: Kernel; stop: () => Promise<void> }> {
  checkEnvironment();
  const config: Pick<PluginConfig, 'plugins' | 'dir' | 'policy'> = typeof opts.config === 'string' ? readPluginConfig(opts.config) : (opts.config ?? { plugins: [], dir: process.cwd() });
  const kernel = new Kernel({ dataDir: dataDir(opts.dataDir), logger: opts.logger, version: VERSION, admins: opts.admins, policy: opts.policy ?? config.policy });
  try {
    registerCoreSyscalls(kernel);
    const { stop } = await loadPlugins(kernel, config, { inline: opts.inline, startTimeoutMs: opts.startTimeoutMs, start: opts.start, provides: opts.provides });
    return { kernel, stop: async () => (await stop(), kernel.close()) };
  } catch (e) {
    kernel.close();
    throw e;
  }
}

export interface OfflineBootOptions {
  /** The plugin config file; offline tools default it to configPath(), the file serve reads. */
  config: string;
  /** The kinds of plugin the tool drives, e.g. ['scheduler']. */
  provides: readonly Provides[];
  /** Options laid over the config's, per plugin (see withOptionOverrides). */
  options?: PluginOptionOverrides;
  /** false: options for plugins the config does not list are ignored rather than refused. */
  strictOptions?: boolean;
  logger?: Logger;
}

/**
 * A kernel for offline tools (simulate, route-eval): the config's plugins that
 * provide one of `provides`, registered by the real loader but never started,
 * in a throw-away data dir. So no model loads, nothing listens, and the user's
 * data dir is not touched. close() removes the data dir.
 */
export async function bootOffline(opts: OfflineBootOptions): Promise<{ kernel: Kernel; close: () => Promise<void> }> {
  const config = withOptionOverrides(readPluginConfig(opts.config), opts.options, opts.strictOptions);
  const dir = mkdtempSync(join(tmpdir(), 'llmos-offline-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const logger = opts.logger ?? createLogger(process.env.LLMOS_LOG_LEVEL ?? 'warn');
    const { kernel, stop } = await boot({ config, dataDir: dir, logger, start: false, provides: opts.provides });
    return { kernel, close: async () => (await stop(), remove()) };
  } catch (e) {
    remove();
    throw e;
  }
}
