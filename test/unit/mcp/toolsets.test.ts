import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import modelCore from '../../../plugins/model-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { defineSyscall } from '../../../src/core/syscall.js';
import { exposeTools, exposureFromEnv, exposureOf, toolsetNames } from '../../../src/mcp/toolsets.js';
import type { PluginDefinition } from '../../../src/plugin-api/plugin.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, connect, testKernel } from '../../helpers/kernel.js';

/** A third-party plugin whose syscalls declare no toolset: they join "weather", its area. */
const weather: PluginDefinition = {
  name: 'weather-station',
  version: '1.0.0',
  provides: ['syscall'],
  register(scope) {
    const out = z.object({ celsius: z.number() });
    scope.syscall(defineSyscall({ name: 'weather_read', title: 'Read', description: 'Read the temperature.', input: z.object({}), output: out, annotations: { readOnlyHint: true }, handler: () => ({ celsius: 21 }) }));
    scope.syscall(defineSyscall({ name: 'weather_reset', title: 'Reset', description: 'Reset the station.', input: z.object({}), output: out, annotations: { readOnlyHint: false }, handler: () => ({ celsius: 0 }) }));
  },
};

let env: Awaited<ReturnType<typeof testKernel>>;
beforeAll(async () => {
  env = await testKernel({ inline: [fcfs, echoPlugin(), modelCore, weather] });
});
afterAll(() => env.stop());

async function listedWith(vars: NodeJS.ProcessEnv) {
  exposeTools(env.kernel, exposureFromEnv(env.kernel, vars));
  const c = await connect(env.kernel, 'test');
  return { ...c, names: (await c.client.listTools()).tools.map((t) => t.name).sort() };
}

describe('LLMOS_TOOLSETS and read-only choose the tools a server offers', () => {
  it("a plugin's syscalls without a toolset join its area's; the kernel's declare theirs", () => {
    expect(env.kernel.syscalls.get('weather_read')?.toolset).toBe('weather');
    expect(env.kernel.syscalls.get('proc_spawn')?.toolset).toBe('proc');
    expect(env.kernel.syscalls.get('model_list')?.toolset).toBe('models');
    expect(toolsetNames(env.kernel)).toEqual(expect.arrayContaining(['proc', 'models', 'kg', 'admin', 'weather', 'all', 'default']));
  });

  it('unset means the default toolsets (proc, models, sched), and a hidden tool is refused with the way to enable it', async () => {
    const s = await listedWith({});
    expect(s.names).toEqual(['model_compare', 'model_eval', 'model_health', 'model_list', 'proc_get', 'proc_kill', 'proc_list', 'proc_nice', 'proc_spawn', 'proc_wait']); // sched-core is not loaded here
    const refused = await callError(s.client, 'weather_reset');
    expect(refused.code).toBe('LLMOS_ENOSYS');
    expect(refused.message).toMatch(/weather_reset is in toolset "weather", which this server does not enable .*LLMOS_TOOLSETS=proc,models,sched,weather/);
    const budget = await env.kernel.res.budget('test');
    expect((await callError(s.client, 'budget_set', { tokens: 5 })).message).toMatch(/toolset "admin"/);
    expect(await env.kernel.res.budget('test')).toEqual(budget); // nothing changed
    expect((await call(s.client, 'model_list')).models.map((m: { id: string }) => m.id)).toEqual(['echo']); // what is listed works
    await s.close();
  });

  it('a list of toolsets, "default" among them, and "all"', async () => {
    const s = await listedWith({ LLMOS_TOOLSETS: 'weather, default' });
    expect(s.names).toContain('weather_read');
    expect(s.names).toContain('proc_spawn');
    expect(s.names).not.toContain('sys_info');
    expect(await call(s.client, 'weather_read')).toEqual({ celsius: 21 });
    await s.close();
    const all = await listedWith({ LLMOS_TOOLSETS: 'all' });
    expect(all.names).toEqual(env.kernel.syscalls.list().map((x) => x.name).sort());
    await all.close();
  });

  it('read-only lists only tools that change nothing, and refuses the others with LLMOS_EPERM before they run', async () => {
    const s = await listedWith({ LLMOS_TOOLSETS: 'all', LLMOS_READ_ONLY: '1' });
    const readOnly = env.kernel.syscalls.list().filter((x) => x.annotations.readOnlyHint === true).map((x) => x.name).sort();
    expect(s.names).toEqual(readOnly);
    expect(s.names).toContain('weather_read');
    expect(s.names).not.toContain('proc_spawn');
    const before = env.kernel.procs.lastPid;
    const refused = await callError(s.client, 'proc_spawn', { prompt: 'hi' });
    expect(refused).toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/proc_spawn changes state and this server runs read-only .*restart it without read-only/) });
    expect(env.kernel.procs.lastPid).toBe(before);
    expect((await callError(s.client, 'weather_reset')).code).toBe('LLMOS_EPERM');
    await s.close();
  });

  it('unknown toolsets and flag values are refused with LLMOS_EINVAL naming the valid ones; the exposure is unchanged', () => {
    exposeTools(env.kernel, exposureFromEnv(env.kernel, { LLMOS_TOOLSETS: 'proc' }));
    const before = exposureOf(env.kernel);
    expect(() => exposureFromEnv(env.kernel, { LLMOS_TOOLSETS: 'proc,kgg' })).toThrow(/LLMOS_TOOLSETS names unknown toolset "kgg"; valid: proc, models, kg, alloc, sched, collab, admin, weather, all, default\./);
    expect(() => exposureFromEnv(env.kernel, { LLMOS_READ_ONLY: 'maybe' })).toThrow(expect.objectContaining({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/LLMOS_READ_ONLY="maybe" is not a flag/) }));
    expect(exposureOf(env.kernel)).toBe(before);
  });

  it('a per-user policy still narrows the list within the enabled toolsets', async () => {
    const limited = await testKernel({ inline: [fcfs, echoPlugin(), modelCore], admins: [], policy: { alice: { syscalls: ['proc_spawn', 'proc_get', 'model_*'] } } });
    exposeTools(limited.kernel, exposureFromEnv(limited.kernel, { LLMOS_TOOLSETS: 'proc' }));
    const c = await connect(limited.kernel, 'alice');
    expect((await c.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['proc_get', 'proc_spawn']);
    await c.close();
    await limited.stop();
  });
});
