import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenAIOptions } from '../../../plugins/model-openai/connection.js';
import { renamedOptions, z } from '../../../src/plugin-api/index.js';
import { readPluginConfig } from '../../../src/loader/config.js';
import { packageRoot, resolvePluginModule } from '../../../src/loader/resolve.js';
import { tempDir, testKernel } from '../../helpers/kernel.js';
import { capturingLogger, plugin } from './helpers.js';

const Options = renamedOptions(z.object({ api_key_env: z.string().default('KEY'), base_url: z.string().optional() }), { apiKeyEnv: 'api_key_env', baseURL: 'base_url' });

describe('renamedOptions: snake_case names, old names accepted', () => {
  it('maps an old name to the new one; the new one wins when both are given', () => {
    expect(Options.parse({ apiKeyEnv: 'OLD' })).toEqual({ api_key_env: 'OLD' });
    expect(Options.parse({ apiKeyEnv: 'OLD', api_key_env: 'NEW' })).toEqual({ api_key_env: 'NEW' });
    expect(Options.parse({})).toEqual({ api_key_env: 'KEY' });
  });

  it('the loader warns once per old name, through the plugin\'s logger, naming old → new', async () => {
    const { logger, warnings } = capturingLogger();
    const f = join(tempDir(), 'cfg.json');
    const options = { busyTimeoutMs: 500, file: 'kg-test.sqlite' };
    writeFileSync(f, JSON.stringify({ plugins: [{ name: 'kg-embedded', module: join(packageRoot, 'plugins/kg-embedded'), options }] }));
    const { stop } = await testKernel({ config: f, inline: [], logger });
    await stop();
    expect(warnings().map((w) => [w.plugin, w.msg])).toEqual([['kg-embedded', 'option "busyTimeoutMs" is deprecated; rename it to "busy_timeout_ms" in llmos.plugins.json']]);
  });

  it('the loader is silent about options that use the new names', async () => {
    const { logger, warnings } = capturingLogger();
    let got: unknown;
    const { stop } = await testKernel({ inline: [plugin('p', { options: Options, register: (_s, o) => void (got = o) })], logger });
    await stop();
    expect(got).toEqual({ api_key_env: 'KEY' });
    expect(warnings()).toEqual([]);
  });

  it('model-openai accepts apiKeyEnv next to context_window as api_key_env', () => {
    expect(OpenAIOptions.parse({ apiKeyEnv: 'X', probeOnStart: false })).toMatchObject({ api_key_env: 'X', probe_on_start: false, base_url: 'https://api.openai.com/v1' });
  });

  it('every option of every plugin in the default config is snake_case', async () => {
    const cfg = readPluginConfig(join(packageRoot, 'llmos.plugins.json'));
    for (const e of cfg.plugins) {
      const def = (await import(resolvePluginModule(e.module, cfg.dir))).default;
      const shape = jsonKeys(z.toJSONSchema(def.options ?? z.object({}), { io: 'input', unrepresentable: 'any' }));
      for (const k of shape) expect(k, `${e.name} option ${k}`).toMatch(/^[a-z0-9_]+$/);
      for (const k of Object.keys(e.options)) expect(k, `${e.name} option ${k} in llmos.plugins.json`).toMatch(/^[a-z0-9_]+$/);
    }
  });
});

/** The top-level property names of an object JSON Schema. */
const jsonKeys = (s: unknown): string[] => Object.keys((s as { properties?: object }).properties ?? {});
