import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { boot, configPath } from '../boot.js';
import type { Kernel } from '../kernel/kernel.js';
import { readPluginConfig } from '../loader/config.js';
import { pluginsJsonSchema, shippedPlugins } from '../loader/plugins-schema.js';
import { PLUGIN_API_VERSION } from '../plugin-api/version.js';

/** The active scheduler or allocator, and whether the config named it or it is the default (the first registered). */
const policy = (active: string | undefined, named: string | undefined) => ({ name: active ?? null, source: named && named === active ? 'config' : 'default (the first registered)' });

/** What `llmos plugins` reports about a booted kernel. */
function describe(kernel: Kernel, file: string) {
  const config = readPluginConfig(file);
  return {
    config: file,
    plugin_api: PLUGIN_API_VERSION,
    scheduler: policy(kernel.schedulers.activeName(), config.scheduler),
    allocator: policy(kernel.allocators.activeName(), config.allocator),
    plugins: kernel.plugins,
    syscalls: kernel.syscalls.list().map((s) => s.name),
    models: kernel.models.all().map((m) => m.backend.info.id),
  };
}

/** `llmos plugins`: loads the config as serve would, lists what each plugin provides and the active policies, and stops. */
export function pluginsCommand(): Command {
  return new Command('plugins')
    .description('List and validate the plugins the config loads')
    .option('-c, --config <file>', 'plugin config (default: $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--json', 'print JSON')
    .option('--schema <file>', 'write the config JSON Schema, with each shipped plugin\'s options, to <file> and exit')
    .action(async (o: { config?: string; json?: boolean; schema?: string }) => {
      if (o.schema) {
        writeFileSync(o.schema, JSON.stringify(pluginsJsonSchema(await shippedPlugins()), null, 2) + '\n');
        return;
      }
      const file = configPath(o.config);
      const { kernel, stop } = await boot({ config: file });
      const out = describe(kernel, file);
      await stop();
      if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      else {
        process.stdout.write(`config: ${out.config}\nplugin API: ${out.plugin_api}\n`);
        for (const p of out.plugins) process.stdout.write(`  ${p.name}@${p.version}  provides ${p.provides.join(', ')}  (${p.module})\n`);
        process.stdout.write(`scheduler: ${out.scheduler.name ?? 'none'} (${out.scheduler.source})\nallocator: ${out.allocator.name ?? 'none'} (${out.allocator.source})\n`);
        process.stdout.write(`${out.syscalls.length} syscalls, ${out.models.length} models: ${out.models.join(', ')}\nok\n`);
      }
    });
}
