import { z } from 'zod';
import { LlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import { params } from '../kernel/params.js';
import { describeIssues } from '../core/errors.js';
import type { PluginDefinition, Provides } from '../plugin-api/plugin.js';
import type { PluginConfig } from './config.js';
import { resolvePluginModule } from './resolve.js';
import { makeScope } from './scope.js';
import { restoreFromJournal } from '../kernel/journal-replay.js';

export interface LoadedPlugin {
  def: PluginDefinition;
  options: unknown;
  module: string;
}

const fail = (plugin: string, msg: string) => new LlmosError('LLMOS_EPLUGIN', `plugin "${plugin}": ${msg}`);

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

async function withTimeout<T>(what: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([what, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fail-fast pipeline: import, check names, dependencies and options, then
 * register and start in dependency order. Returns stop(), which stops the
 * started plugins in reverse order. Plugins may also be passed as definitions
 * (tests, embedding).
 */
export async function loadPlugins(
  kernel: Kernel,
  config: Pick<PluginConfig, 'plugins' | 'dir'>,
  opts: {
    startTimeoutMs?: number;
    inline?: PluginDefinition[];
    /** false: register only (docs, validation without side effects). */
    start?: boolean;
    /** Load only the plugins that provide one of these kinds, and their dependencies (see onlyProviding). */
    provides?: readonly Provides[];
  } = {},
): Promise<{ plugins: LoadedPlugin[]; stop: () => Promise<void> }> {
  const entries = config.plugins.filter((p) => p.enabled);
  const seen = new Set<string>();
  const loaded: LoadedPlugin[] = [];
  for (const e of entries) {
    if (seen.has(e.name)) throw fail(e.name, 'is listed twice; plugin names must be unique.');
    seen.add(e.name);
    loaded.push({ def: await importPlugin(e.name, e.module, config.dir), options: e.options, module: e.module });
  }
  for (const def of opts.inline ?? []) {
    if (seen.has(def.name)) throw fail(def.name, 'is listed twice; plugin names must be unique.');
    seen.add(def.name);
    loaded.push({ def, options: {}, module: '(inline)' });
  }
  const selected = opts.provides ? onlyProviding(loaded, opts.provides) : loaded;
  for (const p of selected) {
    const schema = (p.def.options ?? z.object({}).passthrough()) as z.ZodType;
    const r = schema.safeParse(p.options ?? {});
    if (!r.success) throw fail(p.def.name, `invalid options: ${describeIssues(r.error).replace(/^/, 'options.')}`);
    p.options = r.data;
  }
  const ordered = orderByDependencies(selected);
  const scopes = new Map(ordered.map((p) => [p.def.name, makeScope(kernel, p.def)]));
  for (const p of ordered) await p.def.register(scopes.get(p.def.name)!, p.options);
  const started: LoadedPlugin[] = [];
  const stop = async () => {
    for (const p of [...started].reverse()) {
      try {
        await p.def.stop?.(scopes.get(p.def.name)!);
      } catch (e) {
        kernel.log.error({ err: e, plugin: p.def.name }, 'plugin stop failed');
      }
    }
    started.length = 0;
  };
  const timeoutMs = opts.startTimeoutMs ?? params.pluginStartTimeoutMs;
  try {
    if (opts.start !== false) restoreFromJournal(kernel); // the journal's processes come back before any plugin starts
    for (const p of opts.start === false ? [] : ordered) {
      if (p.def.start)
        await withTimeout(Promise.resolve(p.def.start(scopes.get(p.def.name)!, p.options)), timeoutMs, () => fail(p.def.name, `start() ran past its timeout of ${timeoutMs} ms; check what it waits on or raise LLMOS_PLUGIN_START_TIMEOUT_MS.`));
      started.push(p);
    }
  } catch (e) {
    await stop();
    throw e instanceof LlmosError ? e : fail('?', String(e));
  }
  kernel.plugins = ordered.map((p) => ({ name: p.def.name, version: p.def.version, provides: p.def.provides, module: p.module }));
  return { plugins: ordered, stop };
}
