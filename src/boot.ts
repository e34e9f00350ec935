import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kernel } from './kernel/kernel.js';
import type { Logger } from './core/log.js';
import { checkEnvironment } from './kernel/params.js';
import { registerCoreSyscalls } from './kernel/sys/index.js';
import { readPluginConfig } from './loader/config.js';
import { loadPlugins } from './loader/loader.js';
import { packageRoot } from './loader/resolve.js';
import type { PluginDefinition } from './plugin-api/plugin.js';

export const VERSION: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;

/** LLMOS_DATA_DIR, else ~/.llmos. Created if missing. */
export function dataDir(dir = process.env.LLMOS_DATA_DIR): string {
  const d = resolve(dir ?? join(homedir(), '.llmos'));
  mkdirSync(d, { recursive: true });
  return d;
}

/** --config, else LLMOS_CONFIG, else llmos.plugins.json in the working directory, else the package's own. */
export function configPath(explicit?: string): string {
  const named = explicit ?? process.env.LLMOS_CONFIG;
  if (named) return resolve(named);
  return existsSync('llmos.plugins.json') ? resolve('llmos.plugins.json') : join(packageRoot, 'llmos.plugins.json');
}

export interface BootOptions {
  /** A plugin config file; omitted means only `inline` plugins load. */
  config?: string;
  inline?: PluginDefinition[];
  dataDir?: string;
  logger?: Logger;
  startTimeoutMs?: number;
  /** false: plugins register but do not start (docs, config checks). */
  start?: boolean;
  /** Admin owner patterns; default from LLMOS_ADMINS. */
  admins?: readonly string[];
}

/** The composition root: a kernel with its core syscalls and every configured plugin started. */
export async function boot(opts: BootOptions = {}): Promise<{ kernel: Kernel; stop: () => Promise<void> }> {
  checkEnvironment();
  const kernel = new Kernel({ dataDir: dataDir(opts.dataDir), logger: opts.logger, version: VERSION, admins: opts.admins });
  registerCoreSyscalls(kernel);
  const config = opts.config ? readPluginConfig(opts.config) : { plugins: [], dir: process.cwd() };
  const { stop } = await loadPlugins(kernel, config, { inline: opts.inline, startTimeoutMs: opts.startTimeoutMs, start: opts.start });
  return { kernel, stop };
}
