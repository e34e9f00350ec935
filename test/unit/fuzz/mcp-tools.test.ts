import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../helpers/kernel.js';
import { fuzzKernel } from './fuzz-kernel.js';
import { fuzzTool, stillServing, type Tally } from './mcp-fuzz.js';
import { envCount, fuzzSeed } from './seed.js';

/**
 * Every tool the server lists, called through a real MCP client with inputs
 * generated from its own inputSchema plus hostile values. Each call answers
 * (within the per-call timeout) with a result or a coded tool error that is
 * not LLMOS_EINTERNAL, and sys_info answers after each tool's batch.
 */
describe('fuzz: every MCP tool, seeded', () => {
  const seed = fuzzSeed('MCP tools');
  const runsPerTool = envCount('LLMOS_FUZZ_RUNS', 260);
  const tally: Tally = new Map();
  /** LLMOS_FUZZ_KEEP_GOING=1: list every breach of the run instead of stopping (and shrinking) at the first. */
  const keepGoing = process.env.LLMOS_FUZZ_KEEP_GOING === '1';
  const violations: string[] = [];
  let booted: Awaited<ReturnType<typeof fuzzKernel>>;
  let tools: Array<{ name: string; inputSchema: unknown }> = [];

  beforeAll(async () => {
    booted = await fuzzKernel();
    const probe = await connect(booted.kernel, 'fuzz');
    tools = (await probe.client.listTools()).tools;
    await probe.close();
  });
  afterAll(async () => {
    process.stderr.write(`[fuzz] MCP tools: ${[...tally].map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    await booted?.stop();
  });

  it('lists the syscalls of the default plugins', () => {
    const names = tools.map((t) => t.name);
    for (const n of ['proc_spawn', 'capacity_plan', 'kg_create_entities', 'collab_chain', 'model_eval', 'sched_set', 'alloc_set', 'budget_set']) expect(names).toContain(n);
  });

  it(`${runsPerTool} inputs per tool: no crash, no hang, no LLMOS_EINTERNAL, sys_info still answers`, async () => {
    for (const [i, tool] of tools.entries()) {
      // One session per tool, owned by its own principal: a budget one batch sets does not starve the next.
      const { client, close } = await connect(booted.kernel, `fuzz-${tool.name}`);
      try {
        await fuzzTool(client, tool, i, { seed, runsPerTool, callTimeoutMs: 15_000, tally, keepGoing, violations });
      } finally {
        await close();
      }
    }
    expect(violations).toEqual([]);
    const calls = [...tally.values()].reduce((a, b) => a + b, 0);
    expect(calls).toBeGreaterThanOrEqual(Math.max(10_000, 200 * tools.length));
    const { client, close } = await connect(booted.kernel, 'fuzz');
    await stillServing(client);
    await close();
  }, 300_000); // about 40 s of CPU; generous for a loaded CI machine
});
