import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayHost } from '../../../src/route/host.js';
import { ROOT } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

/** A config of the given plugin folders of this package, with options per plugin name. */
function config(plugins: Record<string, Record<string, unknown>>): string {
  const file = join(tempDir(), 'llmos.plugins.json');
  writeFileSync(file, JSON.stringify({ plugins: Object.entries(plugins).map(([name, options]) => ({ name, module: join(ROOT, 'plugins', name), options })) }));
  return file;
}

describe('route-eval replays the allocators of the plugin config', () => {
  it("gives the allocator the config's options, with --param over them", async () => {
    const file = config({ 'profile-basic': {}, 'alloc-bandit': { lambda: 7, budget_share: 0, alpha: 0.5 }, 'model-llamacpp': {} });
    const host = await ReplayHost.open({ config: file, pluginOptions: { 'alloc-bandit': { alpha: 0.9 } } });
    try {
      expect(host.allocator('bandit').snapshot?.()).toMatchObject({ lambda: 7, alpha: 0.9 });
      // Only allocators and the profiler register: the model backend in the config does not.
      expect(host.kernel.plugins.map((p) => p.name)).toEqual(['profile-basic', 'alloc-bandit']);
      expect(host.kernel.models.all()).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('offers only the allocators the config loads', async () => {
    const host = await ReplayHost.open({ config: config({ 'alloc-perf': {} }) });
    try {
      expect(host.kernel.allocators.names()).toEqual(['perf']);
      expect(() => host.allocator('bandit')).toThrow(/no allocator named "bandit"; available: perf/);
    } finally {
      await host.close();
    }
  });
});
