import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package root: two levels above src/loader, also when compiled to dist/src/loader. */
const here = fileURLToPath(new URL('.', import.meta.url));
const compiled = here.includes(`${join('dist', 'src')}`);
export const packageRoot = resolve(here, compiled ? '../../..' : '../..');

/** This package's version, from its package.json. */
export const VERSION: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;

/** --config, else LLMOS_CONFIG, else llmos.plugins.json in the working directory, else the package's own. */
export function configPath(explicit?: string): string {
  const named = explicit ?? process.env.LLMOS_CONFIG;
  if (named) return resolve(named);
  return existsSync('llmos.plugins.json') ? resolve('llmos.plugins.json') : join(packageRoot, 'llmos.plugins.json');
}

/**
 * Turns a config `module` into an importable specifier. Paths resolve against
 * the config's folder; a path inside this package maps to its compiled copy
 * under dist/ when running compiled, and to the TypeScript source otherwise.
 */
export function resolvePluginModule(spec: string, configDir: string): string {
  if (!spec.startsWith('.') && !isAbsolute(spec)) return spec; // an npm package
  const abs = resolve(configDir, spec);
  const rel = relative(packageRoot, abs);
  const inPackage = !rel.startsWith('..') && !isAbsolute(rel);
  const candidates = [
    ...(inPackage && compiled ? [join(packageRoot, 'dist', rel, 'index.js'), join(packageRoot, 'dist', `${rel}.js`)] : []),
    join(abs, 'index.ts'),
    join(abs, 'index.js'),
    abs,
  ];
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? abs;
  return pathToFileURL(hit).href;
}
