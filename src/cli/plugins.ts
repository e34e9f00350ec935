import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { boot, configPath } from '../boot.js';
import { pluginConfigJsonSchema } from '../loader/config.js';

/** `llmos plugins`: loads the config as serve would, lists what each plugin provides, and stops. */
export function pluginsCommand(): Command {
  return new Command('plugins')
    .description('List and validate the plugins the config loads')
    .option('-c, --config <file>', 'plugin config (default: $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--json', 'print JSON')
    .option('--schema <file>', 'write the config JSON Schema to <file> and exit')
    .action(async (o: { config?: string; json?: boolean; schema?: string }) => {
      if (o.schema) {
        writeFileSync(o.schema, JSON.stringify(pluginConfigJsonSchema(), null, 2) + '\n');
        return;
      }
      const { kernel, stop } = await boot({ config: configPath(o.config) });
      const out = { config: configPath(o.config), plugins: kernel.plugins, syscalls: kernel.syscalls.list().map((s) => s.name), models: kernel.models.all().map((m) => m.backend.info.id) };
      await stop();
      if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      else {
        process.stdout.write(`config: ${out.config}\n`);
        for (const p of out.plugins) process.stdout.write(`  ${p.name}@${p.version}  provides ${p.provides.join(', ')}  (${p.module})\n`);
        process.stdout.write(`${out.syscalls.length} syscalls, ${out.models.length} models: ${out.models.join(', ')}\nok\n`);
      }
    });
}
