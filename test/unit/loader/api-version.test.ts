import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION, type PluginDefinition } from '../../../src/plugin-api/index.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import { testKernel } from '../../helpers/kernel.js';
import { plugin } from './helpers.js';

describe('versioned plugin API', () => {
  it('is a semver version, starting at 1.0.0', () => {
    expect(semver.valid(PLUGIN_API_VERSION)).toBe(PLUGIN_API_VERSION);
    expect(semver.major(PLUGIN_API_VERSION)).toBe(1);
  });

  it('refuses a plugin built for another major, naming both versions', async () => {
    const err = await testKernel({ inline: [plugin('future', { apiVersion: '^2.0.0' })] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LLMOS_EPLUGIN', data: { plugin: 'future', api_version: '^2.0.0', provided: PLUGIN_API_VERSION } });
    expect((err as Error).message).toMatch(new RegExp(`^plugin "future": was built for plugin API \\^2\\.0\\.0; this LLMOS provides ${PLUGIN_API_VERSION.replace(/\./g, '\\.')}\\.`));
  });

  it('refuses an apiVersion that is not a semver range', async () => {
    await expect(testKernel({ inline: [plugin('odd', { apiVersion: 'one point oh' })] })).rejects.toThrow(/plugin "odd": apiVersion "one point oh" is not a semver range/);
  });

  it('never registers anything when a plugin is refused', async () => {
    let registered = false;
    const ok = plugin('ok', { register: () => void (registered = true) });
    await expect(testKernel({ inline: [ok, plugin('future', { apiVersion: '>=2' })] })).rejects.toThrow(/plugin API >=2/);
    expect(registered).toBe(false);
  });

  it('loads a plugin built for this API, and one that declares none', async () => {
    const { stop } = await testKernel({ inline: [plugin('now', { apiVersion: `^${PLUGIN_API_VERSION}` }), plugin('old')] });
    await stop();
  });

  it('every plugin in plugins/ declares a range that this API satisfies', async () => {
    const dirs = readdirSync(join(packageRoot, 'plugins'));
    expect(dirs.length).toBeGreaterThan(10);
    for (const d of dirs) {
      const def = ((await import(join(packageRoot, 'plugins', d, 'index.ts'))) as { default: PluginDefinition }).default;
      expect(def.apiVersion, d).toBeDefined();
      expect(semver.satisfies(PLUGIN_API_VERSION, def.apiVersion!), d).toBe(true);
    }
  });
});
