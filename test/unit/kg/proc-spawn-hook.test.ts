import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import kgEmbedded from '../../../plugins/kg-embedded/index.js';
import schedFcfs from '../../../plugins/sched-fcfs/index.js';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';

const ctx = () => ({ owner: 'test', signal: new AbortController().signal, progress: () => {} });

describe('proc_spawn with remember / context_from_kg', () => {
  let dir: string;
  let kernel: Kernel;
  let stop: () => Promise<void>;
  const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, ctx()) as Promise<any>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmos-kgspawn-'));
    ({ kernel, stop } = await boot({ inline: [schedFcfs, echoPlugin(), kgEmbedded, kgCore], dataDir: dir }));
  });
  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one model\'s output becomes another\'s context', async () => {
    const a = await call('proc_spawn', { prompt: 'Paris is the capital of France', wait: true, remember: { entity: 'France', relation: { to: 'Europe', type: 'part_of' } } });
    expect(a.exit).toBe('ok');
    // Stored before proc_spawn answered.
    const g = await call('kg_open_nodes', { names: ['France'] });
    expect(g.entities[0].observations[0]).toContain(`pid=${a.pid} model=echo`);
    const b = await call('proc_spawn', { prompt: 'Capital?', wait: true, context_from_kg: { query: 'capital' } });
    expect(kernel.procs.must(b.pid).task.system).toContain('echo: Paris is the capital of France');
  });

  it('rejects bad hook options with LLMOS_EINVAL and spawns nothing', async () => {
    await expect(call('proc_spawn', { prompt: 'x', context_from_kg: { entities: ['a'], query: 'b' } })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    expect(kernel.procs.lastPid).toBe(0);
  });

  it('still spawns plain tasks', async () => {
    expect((await call('proc_spawn', { prompt: 'hi', wait: true })).result.text).toBe('echo: hi');
  });
});
