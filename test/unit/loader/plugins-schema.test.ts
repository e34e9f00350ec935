import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../../src/loader/checks.js';
import { optionsObject } from '../../../src/loader/options-schema.js';
import { pluginsJsonSchema, shippedPlugins } from '../../../src/loader/plugins-schema.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import type { PluginDefinition } from '../../../src/plugin-api/index.js';
import { tempDir, testKernel } from '../../helpers/kernel.js';

const COMMITTED = join(packageRoot, 'src/loader/llmos.plugins.schema.json');
let defs: PluginDefinition[];
beforeAll(async () => void (defs = await shippedPlugins()));

const validator = () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(readFileSync(COMMITTED, 'utf8')));
};

describe('llmos.plugins.schema.json: each plugin\'s options, for editors', () => {
  it('the committed file is what `npm run schema` generates from the plugins\' zod options', () => {
    expect(defs.length).toBeGreaterThanOrEqual(27);
    const generated = JSON.stringify(pluginsJsonSchema(defs), null, 2) + '\n';
    expect(readFileSync(COMMITTED, 'utf8'), 'run `npm run schema` and commit src/loader/llmos.plugins.schema.json').toBe(generated);
  });

  it('accepts the shipped llmos.plugins.json, and checks options per plugin: unknown names and wrong types fail', () => {
    const validate = validator();
    const shipped = JSON.parse(readFileSync(join(packageRoot, 'llmos.plugins.json'), 'utf8'));
    expect(validate(shipped), JSON.stringify(validate.errors)).toBe(true);
    const entry = (options: Record<string, unknown>) => ({ plugins: [{ name: 'sched-sjf', module: './plugins/sched-sjf', options }] });
    expect(validate(entry({ max_wait_means: 26 }))).toBe(true);
    expect(validate(entry({ max_wait_mean: 26 }))).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'max_wait_mean')).toBe(true);
    expect(validate(entry({ max_wait_means: 'lots' }))).toBe(false);
    // A renamed option's old name still validates (the loader accepts it and warns).
    expect(validate({ plugins: [{ name: 'kg-embedded', module: './plugins/kg-embedded', options: { busyTimeoutMs: 500 } }] })).toBe(true);
    // A plugin that is not shipped keeps a free options object.
    expect(validate({ plugins: [{ name: 'my-plugin', module: 'my-plugin', options: { anything: 1 } }] })).toBe(true);
  });
});

describe('unknown plugin options are refused at load, naming them', () => {
  it('every shipped plugin\'s options are an object schema, and an unknown name is refused with LLMOS_EPLUGIN', () => {
    for (const def of defs) {
      expect(optionsObject(def.options as never), def.name).toBeDefined();
      expect(() => parseOptions(def, { no_such_option: 1 }), def.name).toThrow(expect.objectContaining({ code: 'LLMOS_EPLUGIN', message: expect.stringContaining(`plugin "${def.name}": unknown option "no_such_option"`) }));
    }
  });

  it('names every unknown option and what the plugin takes; known and renamed names still load', () => {
    const sjf = defs.find((d) => d.name === 'sched-sjf')!;
    expect(() => parseOptions(sjf, { max_wait_mean: 1, overdue: 2 })).toThrow(/unknown options "max_wait_mean", "overdue"; it takes .*max_wait_means.*Fix the spelling or remove them/);
    const fcfs = defs.find((d) => d.name === 'sched-fcfs')!;
    expect(() => parseOptions(fcfs, { x: 1 })).toThrow(/plugin "sched-fcfs": unknown option "x"; it takes no options/);
    expect(parseOptions(fcfs, {}).options).toEqual({});
    const kg = defs.find((d) => d.name === 'kg-embedded')!;
    expect(parseOptions(kg, { busyTimeoutMs: 500 }).deprecated).toEqual([['busyTimeoutMs', 'busy_timeout_ms']]);
  });

  it('names an unknown field inside a nested entry by its path (a model of options.models, its pricing)', () => {
    const openai = defs.find((d) => d.name === 'model-openai')!;
    const models = [{ id: 'a', contxt_window: 9 }, { id: 'b', pricing: { input_per_1k: 0, output_per_1k: 0, currency: 'EUR' } }];
    expect(() => parseOptions(openai, { models })).toThrow(/plugin "model-openai": unknown options "models\[0\]\.contxt_window", "models\[1\]\.pricing\.currency"/);
    expect(() => parseOptions(openai, { models: [{ id: 'a', context_window: 9, pricing: { input_per_1k: 0, output_per_1k: 0 } }] })).not.toThrow();
  });

  it('a config with a misspelt option does not boot; the error names the plugin and the option', async () => {
    const f = join(tempDir(), 'llmos.plugins.json');
    writeFileSync(f, JSON.stringify({ plugins: [{ name: 'sched-sjf', module: join(packageRoot, 'plugins/sched-sjf'), options: { max_wait_mean: 26 } }] }));
    await expect(testKernel({ config: f, inline: [] })).rejects.toThrow(/plugin "sched-sjf": unknown option "max_wait_mean"/);
  });
});
