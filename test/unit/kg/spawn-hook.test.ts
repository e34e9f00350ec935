/**
 * kg-core's SpawnHook on its own, driven step by step as proc_spawn drives it
 * (src/kernel/sys/spawnhooks.ts): beforeSpawn rewrites the task, kernel.spawn
 * runs it, afterExit stores the result. proc-spawn-hook.test.ts covers the
 * same through proc_spawn. The echo backend answers "echo: <prompt>", so
 * results are deterministic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import { formatFacts, kgSpawnHook } from '../../../plugins/kg-core/spawn-hook.js';
import kgEmbedded from '../../../plugins/kg-embedded/index.js';
import schedFcfs from '../../../plugins/sched-fcfs/index.js';
import { boot } from '../../../src/boot.js';
import { TaskSchema } from '../../../src/core/task.js';
import { z, type SpawnHook } from '../../../src/plugin-api/index.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { KG_STORE_TOKEN, type KnowledgeStore } from '../../../src/core/knowledge.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';

describe('kg spawn hook: one model\'s output becomes another\'s context', () => {
  let dir: string;
  let kernel: Kernel;
  let stop: () => Promise<void>;
  let store: KnowledgeStore;
  let hook: SpawnHook;
  let changed: string[][];

  /** What proc_spawn does with one hook: split its fields off, beforeSpawn, spawn, wait, afterExit. */
  async function spawnWithHook(input: Record<string, unknown>) {
    const hookKeys = Object.keys(hook.input);
    const args = z.object(hook.input).parse(Object.fromEntries(Object.entries(input).filter(([k]) => hookKeys.includes(k))));
    const task = TaskSchema.parse(Object.fromEntries(Object.entries(input).filter(([k]) => !hookKeys.includes(k))));
    const p = kernel.spawn(await hook.beforeSpawn!(task, args, { owner: 'test' }), 'test');
    await kernel.procs.wait(p.pid, 10_000);
    await hook.afterExit!(p, args);
    return p;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmos-kghook-'));
    ({ kernel, stop } = await boot({ inline: [schedFcfs, echoPlugin(), kgEmbedded, kgCore], dataDir: dir }));
    store = kernel.container.resolve<KnowledgeStore>(KG_STORE_TOKEN);
    changed = [];
    hook = kgSpawnHook(() => store, (n) => changed.push(n), pino({ level: 'silent' }));
  });
  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('remembers a result with provenance, then injects it into the next task', async () => {
    const a = await spawnWithHook({ prompt: 'Paris is the capital of France', remember: { entity: 'France', entity_type: 'country', relation: { to: 'Europe', type: 'part_of' } } });
    expect(a.exit).toBe('ok');
    const { entities, relations } = await store.openNodes('test', ['France']);
    expect(entities[0].type).toBe('country');
    expect(entities[0].observations).toHaveLength(1);
    expect(entities[0].observations[0]).toMatch(new RegExp(`^\\[llmos pid=${a.pid} model=echo at=\\d{4}-\\d\\d-\\d\\dT[^\\]]+Z\\] echo: Paris is the capital of France$`));
    expect(relations).toEqual([{ from: 'France', to: 'Europe', type: 'part_of' }]);
    expect(changed).toEqual([['France', 'Europe']]);

    const b = await spawnWithHook({ prompt: 'What is the capital of France?', system: 'Be brief.', context_from_kg: { entities: ['France'] } });
    expect(b.task.system).toMatch(/^Facts from the LLMOS knowledge graph/);
    expect(b.task.system).toContain('France (country): [llmos pid=');
    expect(b.task.system).toContain('France part_of Europe');
    expect(b.task.system).toMatch(/\n\nBe brief\.$/);

    const c = await spawnWithHook({ prompt: 'x', context_from_kg: { query: 'capital', limit: 3 } });
    expect(c.task.system).toContain('echo: Paris is the capital of France');
  });

  it('leaves the task alone when the graph has nothing, and stores nothing for a failed process', async () => {
    const p = await spawnWithHook({ prompt: 'fail: on purpose', context_from_kg: { query: 'nothing here' }, remember: { entity: 'Failures' } });
    expect(p.task.system).toBeUndefined();
    expect(p.exit).toBe('failed');
    expect((await store.stats('test')).entities).toBe(0);
  });

  it('validates its options: exactly one of entities or query; types are identifiers', () => {
    const opts = z.object(hook.input);
    expect(opts.safeParse({ context_from_kg: { entities: ['a'], query: 'b' } }).success).toBe(false);
    expect(opts.safeParse({ context_from_kg: {} }).success).toBe(false);
    expect(opts.safeParse({ remember: { entity: 'x', relation: { to: 'y', type: 'bad type' } } }).success).toBe(false);
    expect(opts.parse({ context_from_kg: { query: 'b' } })).toEqual({ context_from_kg: { query: 'b', limit: 10 } });
  });

  it('caps the injected facts', () => {
    const g = { entities: Array.from({ length: 200 }, (_, i) => ({ name: `E${i}`, type: 't', observations: ['o'.repeat(100)] })), relations: [] };
    const text = formatFacts(g, 1000);
    expect(text.length).toBeLessThanOrEqual(1000 + 4);
    expect(text.endsWith('- …')).toBe(true);
  });
});
