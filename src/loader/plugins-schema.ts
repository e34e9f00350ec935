import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginDefinition } from '../plugin-api/plugin.js';
import { pluginConfigJsonSchema } from './config.js';
import { optionsJsonSchema } from './options-schema.js';
import { packageRoot, resolvePluginModule } from './resolve.js';

/** The plugins shipped in this package's plugins/ folder, by folder name order. */
export async function shippedPlugins(root = packageRoot): Promise<PluginDefinition[]> {
  const dir = join(root, 'plugins');
  const names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort();
  const defs: PluginDefinition[] = [];
  for (const n of names) defs.push(((await import(resolvePluginModule(`./plugins/${n}`, root))) as { default: PluginDefinition }).default);
  return defs;
}

type Json = Record<string, unknown>;

/**
 * The config's JSON Schema (llmos.plugins.schema.json) with each plugin's
 * options: an entry whose name is a shipped plugin's gets that plugin's
 * options schema (if/then on "name"), so editors complete and check them;
 * other names keep a free options object.
 */
export function pluginsJsonSchema(defs: PluginDefinition[]): Json {
  const base = pluginConfigJsonSchema() as Json & { properties: Json & { plugins: Json & { items: Json & { properties: Json } } } };
  const items = base.properties.plugins.items;
  const byName = defs.map((d) => ({
    if: { properties: { name: { const: d.name } }, required: ['name'] },
    then: { properties: { options: { description: d.description, ...optionsJsonSchema(d) } } },
  }));
  const name = { ...(items.properties.name as Json), examples: defs.map((d) => d.name), description: 'The plugin\'s name; for a shipped plugin, "module" is "./plugins/<name>".' };
  return { ...base, properties: { ...base.properties, plugins: { ...base.properties.plugins, items: { ...items, properties: { ...items.properties, name }, allOf: byName } } } };
}
