import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { LlmosError } from '../core/errors.js';
import { PLUGIN_KINDS, pluginNames, renderPlugin } from './plugin-templates/index.js';

/** Plugin names: lowercase kebab, starting with a letter, at most 40 characters. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Writes a working plugin of `kind` into `<dir>/<name>/` and returns that
 * folder. Fails with LLMOS_EINVAL on an unknown kind or a bad name, and with
 * LLMOS_EEXIST when the folder exists (nothing is overwritten).
 */
export function scaffoldPlugin(kind: string, name: string, dir: string): string {
  const template = Object.hasOwn(PLUGIN_KINDS, kind) ? PLUGIN_KINDS[kind] : undefined;
  if (!template) throw new LlmosError('LLMOS_EINVAL', `unknown plugin kind "${kind}"; use one of ${Object.keys(PLUGIN_KINDS).join(', ')}.`);
  if (!NAME.test(name) || name.length > 40)
    throw new LlmosError('LLMOS_EINVAL', `plugin name "${name}" is not allowed; use lowercase letters, digits and single dashes, starting with a letter, at most 40 characters (e.g. "sched-deadline").`);
  const folder = resolve(dir, name);
  if (existsSync(folder)) throw new LlmosError('LLMOS_EEXIST', `${folder} already exists; pick another name or --dir, or remove the folder first.`);
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(renderPlugin(pluginNames(name), template))) writeFileSync(join(folder, file), text, { flag: 'wx' });
  return folder;
}

/** `llmos plugin new <kind> <name>`: scaffolds a plugin that passes its contract suite. */
export function pluginCommand(): Command {
  const create = new Command('new')
    .description(`Scaffold a plugin: index.ts, its implementation, a contract test, package.json and a README (kinds: ${Object.keys(PLUGIN_KINDS).join(', ')})`)
    .argument('<kind>', Object.keys(PLUGIN_KINDS).join(' | '))
    .argument('<name>', 'lowercase kebab name, at most 40 characters')
    .option('--dir <dir>', 'parent folder of the new plugin folder', '.')
    .action((kind: string, name: string, o: { dir: string }) => {
      const folder = scaffoldPlugin(kind, name, o.dir);
      process.stdout.write(`${folder}\nNext: cd ${folder} && npm install /path/to/llmos && npm install && npm test && npm run build\n`);
    });
  return new Command('plugin').description('Tools for plugin authors').addCommand(create);
}
