import type { Kernel } from '../kernel/kernel.js';
import { params } from '../kernel/params.js';
import type { PluginDefinition, Provides } from '../plugin-api/plugin.js';
import { checkApiVersion, parseOptions } from './checks.js';
import type { PluginConfig } from './config.js';
import { PluginLives } from './lifecycle.js';
import { pluginError as fail } from './plugin-error.js';
import { activatePolicies, type ActivePolicies } from './policies.js';
import { resolvePluginModule } from './resolve.js';
import { makeScope } from './scope.js';
import { restoreFromJournal } from '../kernel/journal-replay.js';

export interface LoadedPlugin {
  def: PluginDefinition;
  options: unknown;
  module: string;
}

async function importPlugin(name: string, spec: string, dir: string): Promise<PluginDefinition> {
  let mod: { default?: PluginDefinition };
  try {
    mod = await import(resolvePluginModule(spec, dir));
  } catch (e) {
    throw fail(name, `module "${spec}" cannot be loaded (${(e as Error).message.split('\n')[0]}); check the "module" path or install the package.`);
  }
  const def = mod.default;
  if (!def || typeof def.register !== 'function') throw fail(name, `module "${spec}" has no default export made with definePlugin().`);
  if (def.name !== name) throw fail(name, `module "${spec}" defines plugin "${def.name}"; set "name" to "${def.name}".`);
  return def;
}

/**
 * The plugins that provide one of `kinds`, plus what they depend on (so the
 * dependency check still holds), in their original order. Offline tools use
 * it to load only policies: no model backend, journal or transport registers.
 */
export function onlyProviding<T extends { def: PluginDefinition }>(plugins: T[], kinds: readonly Provides[]): T[] {
  const byName = new Map(plugins.map((p) => [p.def.name, p]));
  const keep = new Set<string>();
  const add = (p: T | undefined) => {
    if (!p || keep.has(p.def.name)) return;
    keep.add(p.def.name);
    for (const d of p.def.dependsOn ?? []) add(byName.get(d));
  };
  for (const p of plugins) if (p.def.provides.some((k) => kinds.includes(k))) add(p);
  return plugins.filter((p) => keep.has(p.def.name));
}

/** Orders plugins so each comes after its dependencies; config order breaks ties. */
export function orderByDependencies<T extends { def: PluginDefinition }>(plugins: T[]): T[] {
  const byName = new Map(plugins.map((p) => [p.def.name, p]));
  const out: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: T, path: string[]) => {
    const s = state.get(p.def.name);
    if (s === 'done') return;
    if (s === 'visiting') throw fail(p.def.name, `dependsOn forms a cycle: ${[...path, p.def.name].join(' -> ')}; remove one of these dependencies.`);
    state.set(p.def.name, 'visiting');
    for (const d of p.def.dependsOn ?? []) {
      const dep = byName.get(d);
      if (!dep) throw fail(p.def.name, `dependsOn "${d}", which is not loaded; add it to llmos.plugins.json or enable it.`);
      visit(dep, [...path, p.def.name]);
    }
    state.set(p.def.name, 'done');
    out.push(p);
  };
  for (const p of plugins) visit(p, []);
  return out;
}

/** Imports the enabled plugins of the config, then appends the inline ones; names must be unique. */
async function collect(config: Pick<PluginConfig, 'plugins' | 'dir'>, inline: PluginDefinition[]): Promise<LoadedPlugin[]> {
  const seen = new Set<string>();
  const unique = (name: string) => {
    if (seen.has(name)) throw fail(name, 'is listed twice; plugin names must be unique.');
    seen.add(name);
  };
  const loaded: LoadedPlugin[] = [];
  for (const e of config.plugins.filter((p) => p.enabled)) {
    unique(e.name);
    loaded.push({ def: await importPlugin(e.name, e.module, config.dir), options: e.options, module: e.module });
  }
  for (const def of inline) {
    unique(def.name);
    loaded.push({ def, options: {}, module: '(inline)' });
  }
  return loaded;
}

/**
 * The loader's checks without side effects: imports the enabled plugins and
 * checks names, plugin API versions, options (unknown ones refused) and
 * dependencies. Nothing registers, so no file is opened and no model loads.
 */
export async function checkPlugins(
  config: Pick<PluginConfig, 'plugins' | 'dir'>,
  opts: Pick<LoadOptions, 'inline' | 'provides'> = {},
): Promise<{ ordered: LoadedPlugin[]; deprecated: Map<string, Array<[string, string]>> }> {
  const all = await collect(config, opts.inline ?? []);
  const loaded = opts.provides ? onlyProviding(all, opts.provides) : all;
  const deprecated = new Map<string, Array<[string, string]>>();
  for (const p of loaded) {
    checkApiVersion(p.def);
    const parsed = parseOptions(p.def, p.options);
    p.options = parsed.options;
    deprecated.set(p.def.name, parsed.deprecated);
  }
  return { ordered: orderByDependencies(loaded), deprecated };
}

export interface LoadOptions {
  startTimeoutMs?: number;
  /** Definitions loaded after the config's (tests, embedding). */
  inline?: PluginDefinition[];
  /** false: register only (docs, validation without side effects). */
  start?: boolean;
  /** Load only the plugins that provide one of these kinds, and their dependencies (see onlyProviding). */
  provides?: readonly Provides[];
}

/** The policies to activate: those the config names, less the kinds a `provides` filter left out. */
const wanted = (config: ActivePolicies, provides?: readonly Provides[]): ActivePolicies => ({
  scheduler: !provides || provides.includes('scheduler') ? config.scheduler : undefined,
  allocator: !provides || provides.includes('allocator') ? config.allocator : undefined,
});

/**
 * Fail-fast pipeline: import, check names, plugin API versions, dependencies
 * and options; register in dependency order; activate the configured
 * scheduler and allocator; start in dependency order. Returns stop(), which
 * closes the plugins in reverse order. Whatever fails after the first
 * register() closes every plugin that registered before rethrowing. Plugins
 * may also be passed as definitions (tests, embedding).
 */
export async function loadPlugins(
  kernel: Kernel,
  config: Pick<PluginConfig, 'plugins' | 'dir' | 'scheduler' | 'allocator'>,
  opts: LoadOptions = {},
): Promise<{ plugins: LoadedPlugin[]; stop: () => Promise<void> }> {
  const { ordered, deprecated } = await checkPlugins(config, opts);
  const lives = new PluginLives(kernel.log);
  try {
    for (const p of ordered)
      await lives.register(p.def, p.options, (onClose) => {
        const scope = makeScope(kernel, p.def, onClose);
        for (const [old, now] of deprecated.get(p.def.name) ?? []) scope.log.warn({ option: old, use: now }, `option "${old}" is deprecated; rename it to "${now}" in llmos.plugins.json`);
        return scope;
      });
    activatePolicies(kernel, wanted(config, opts.provides));
    if (opts.start !== false) {
      restoreFromJournal(kernel); // the journal's processes come back before any plugin starts
      await lives.start(opts.startTimeoutMs ?? params.pluginStartTimeoutMs);
    }
  } catch (e) {
    await lives.stop();
    throw e;
  }
  kernel.plugins = ordered.map((p) => ({ name: p.def.name, version: p.def.version, provides: p.def.provides, module: p.module }));
  return { plugins: ordered, stop: () => lives.stop() };
}
