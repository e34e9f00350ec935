import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { boot } from '../../../src/boot.js';
import { readPluginConfig } from '../../../src/loader/config.js';
import { ROOT } from '../../helpers/cli.js';
import { quietLogger, tempDir } from '../../helpers/kernel.js';

/**
 * Registers (without starting) the enabled plugins of the repo's own
 * llmos.plugins.json whose names match `pick`, with their configured
 * options, through the real loader; stopped after the file's tests.
 * Contract tests take the scheduler and allocator factories from it, so
 * they test each policy as `serve` would build it.
 */
export async function defaultPlugins(pick: (name: string) => boolean) {
  const config = readPluginConfig(join(ROOT, 'llmos.plugins.json'));
  const plugins = config.plugins.filter((p) => p.enabled && pick(p.name)).map((p) => ({ ...p, module: join(ROOT, p.module) }));
  const file = join(tempDir(), 'llmos.plugins.json');
  writeFileSync(file, JSON.stringify({ plugins }));
  const booted = await boot({ config: file, dataDir: tempDir(), logger: quietLogger(), start: false });
  afterAll(booted.stop);
  return booted.kernel;
}
