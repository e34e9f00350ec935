import { describe, expect, it } from 'vitest';
import type { PluginDefinition } from '../../../src/plugin-api/index.js';
import schedCore from '../../../plugins/sched-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import fair from '../../../plugins/sched-fair/index.js';
import hrrn from '../../../plugins/sched-hrrn/index.js';
import priority from '../../../plugins/sched-priority/index.js';
import sjf from '../../../plugins/sched-sjf/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';
import { capturingLogger, configFile, plugin } from './helpers.js';

/** Two allocators, "first" (test-echo) then "second". */
const second = plugin('alloc-second', {
  provides: ['allocator'],
  register: (s) => s.allocator('second', () => ({ name: 'second', choose: () => ({ model: 'echo', reason: 'second' }) }) as never),
});
const inline = [fcfs, sjf, priority, hrrn, fair, echoPlugin(), second] as PluginDefinition[];

describe('explicit active policies', () => {
  it('activates the scheduler and allocator the config names, before any plugin starts', async () => {
    let seenAtStart: string | undefined;
    const probe = plugin('probe', { register: (s) => ({ start: () => void (seenAtStart = s.kernel.scheduler().name) }) });
    const { kernel, stop } = await testKernel({ config: configFile({ scheduler: 'sjf', allocator: 'second' }), inline: [...inline, probe] });
    expect(kernel.schedulers.activeName()).toBe('sjf');
    expect(kernel.schedulers.active().name).toBe('sjf');
    expect(kernel.allocators.activeName()).toBe('second');
    expect(seenAtStart).toBe('sjf');
    await stop();
  });

  it('fails with a coded error listing what is available when no plugin provides the named one', async () => {
    const err = await testKernel({ config: configFile({ scheduler: 'lottery' }), inline }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LLMOS_EPLUGIN', data: { scheduler: 'lottery' } });
    expect((err as Error).message).toMatch(/names scheduler "lottery", which no loaded plugin provides \(available: fcfs, .*sjf.*\)/);
    const alloc = await testKernel({ config: configFile({ allocator: 'oracle' }), inline }).catch((e: unknown) => e);
    expect((alloc as Error).message).toMatch(/names allocator "oracle", which no loaded plugin provides \(available: first, second\)/);
  });

  it('defaults to the first registered when the config names none, and reports it', async () => {
    const { kernel, stop } = await testKernel({ config: configFile({}), inline });
    expect(kernel.schedulers.activeName()).toBe(kernel.schedulers.names()[0]);
    expect(kernel.allocators.activeName()).toBe('first');
    expect(kernel.allocators.active().name).toBe('first');
    await stop();
  });

  it('still honours sched-core\'s deprecated "default" option, with a warning naming the replacement', async () => {
    const { logger, warnings } = capturingLogger();
    const core = { ...schedCore, register: (s: Parameters<typeof schedCore.register>[0]) => schedCore.register(s, schedCore.options!.parse({ default: 'hrrn' })) };
    const { kernel, stop } = await testKernel({ inline: [...inline, core], logger });
    expect(kernel.schedulers.activeName()).toBe('hrrn');
    expect(warnings()).toEqual([expect.objectContaining({ plugin: 'sched-core', msg: expect.stringMatching(/option "default" is deprecated; set "scheduler": "hrrn" at the top of llmos.plugins.json/) })]);
    await stop();
  });
});
