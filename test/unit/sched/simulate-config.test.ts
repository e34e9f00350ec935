import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootOffline, configPath } from '../../../src/boot.js';
import { lognormal } from '../../../src/sim/dists.js';
import { simulate, type SimConfig } from '../../../src/sim/engine.js';
import { makeScheduler } from '../../../src/sim/policies.js';
import { ROOT } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';
import { SCHEDULERS_CONFIG } from '../../helpers/schedulers.js';

const TUNED = { max_wait_means: 26, overdue_yield_ratio: 0.15 };

/** SCHEDULERS_CONFIG with sched-sjf's options set to TUNED, written where a user would keep it. */
function tunedConfig(): string {
  const cfg = JSON.parse(readFileSync(SCHEDULERS_CONFIG, 'utf8')) as { plugins: Array<{ name: string; module: string; options?: unknown }> };
  for (const p of cfg.plugins) {
    p.module = join(ROOT, 'plugins', p.name);
    if (p.name === 'sched-sjf') p.options = TUNED;
  }
  const file = join(tempDir(), 'llmos.plugins.json');
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

// ρ = 0.8 on one server with heavy-tailed sizes: the starvation guard changes the order often.
const WORKLOAD: Omit<SimConfig, 'policy'> = { arrivalRate: 0.8, serviceRate: 1, servers: 1, tasks: 20_000, seed: 7, service: lognormal(1) };
const figures = ({ waits: _w, classes: _c, services: _s, wall_ms: _t, ...rest }: Awaited<ReturnType<typeof simulate>>) => rest;

const savedEnv = process.env.LLMOS_CONFIG;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.LLMOS_CONFIG;
  else process.env.LLMOS_CONFIG = savedEnv;
});

describe('simulate boots its schedulers from the plugin config', () => {
  it("gives the scheduler the config's options", async () => {
    expect((await makeScheduler('sjf', { config: tunedConfig() })).snapshot()).toMatchObject(TUNED);
    expect((await makeScheduler('sjf', { config: SCHEDULERS_CONFIG })).snapshot()).toMatchObject({ max_wait_means: 0, overdue_yield_ratio: 0 });
  });

  it('simulates the configured SJF: the same run as the options given by hand, not the plugin defaults', async () => {
    const configured = await simulate({ ...WORKLOAD, policy: 'sjf', config: tunedConfig() });
    const byHand = await simulate({ ...WORKLOAD, policy: 'sjf', config: SCHEDULERS_CONFIG, pluginOptions: { 'sched-sjf': TUNED } });
    const defaults = await simulate({ ...WORKLOAD, policy: 'sjf', config: SCHEDULERS_CONFIG });
    expect(figures(configured)).toEqual(figures(byHand));
    expect(configured.longest_decile.p99_response).toBeLessThan(defaults.longest_decile.p99_response);
  });

  it('lays --plugin-options over the config, and refuses options for a plugin the config does not list', async () => {
    const s = await makeScheduler('sjf', { config: tunedConfig(), pluginOptions: { 'sched-sjf': { overdue_yield_ratio: 0.05 } } });
    expect(s.snapshot()).toMatchObject({ max_wait_means: 26, overdue_yield_ratio: 0.05 });
    await expect(makeScheduler('sjf', { config: tunedConfig(), pluginOptions: { 'sched-sjff': {} } })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/"sched-sjff", which the config does not list/) });
  });

  it('defaults to the config serve reads: LLMOS_CONFIG, else ./llmos.plugins.json', async () => {
    delete process.env.LLMOS_CONFIG;
    expect(configPath()).toBe(join(ROOT, 'llmos.plugins.json'));
    expect((await makeScheduler('sjf')).snapshot()).toMatchObject(JSON.parse(readFileSync(configPath(), 'utf8')).plugins.find((p: { name: string }) => p.name === 'sched-sjf').options);
    process.env.LLMOS_CONFIG = tunedConfig();
    expect(figures(await simulate({ ...WORKLOAD, policy: 'sjf' }))).toEqual(figures(await simulate({ ...WORKLOAD, policy: 'sjf', config: process.env.LLMOS_CONFIG })));
    process.env.LLMOS_CONFIG = SCHEDULERS_CONFIG;
    expect((await makeScheduler('sjf')).snapshot()).toMatchObject({ max_wait_means: 0 });
  });

  it('loads only the scheduler plugins of the full config: no model backend, journal or transport registers', async () => {
    const { kernel, close } = await bootOffline({ config: join(ROOT, 'llmos.plugins.json'), provides: ['scheduler'] });
    try {
      expect(kernel.plugins.map((p) => p.name).sort()).toEqual(['sched-fair', 'sched-fcfs', 'sched-hrrn', 'sched-priority', 'sched-sjf']);
      expect(kernel.models.all()).toEqual([]);
      expect(kernel.schedulers.names().sort()).toEqual(['fair', 'fcfs', 'hrrn', 'priority', 'sjf']);
    } finally {
      await close();
    }
  });
});
