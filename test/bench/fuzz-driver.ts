import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connect } from '../helpers/kernel.js';
import { fuzzKernel } from '../unit/fuzz/fuzz-kernel.js';
import { fuzzTool, stillServing, type Tally, type ToolFuzzOptions } from '../unit/fuzz/mcp-fuzz.js';

export interface FuzzBenchOptions {
  seed: number;
  /** Inputs in all, spread evenly over the tools. */
  inputs: number;
}

/** Figures of one run: inputs, seconds, how each call ended, and the breaches (there should be none). */
export interface FuzzBenchResult {
  tools: number;
  inputs: number;
  seconds: number;
  byCode: Record<string, number>;
  violations: string[];
}

async function eachTool(kernelClient: (owner: string) => Promise<{ client: Client; close: () => Promise<void> }>, tools: Array<{ name: string; inputSchema: unknown }>, o: ToolFuzzOptions, log: (line: string) => void): Promise<void> {
  for (const [i, tool] of tools.entries()) {
    const t = performance.now();
    const { client, close } = await kernelClient(`fuzz-${tool.name}`);
    try {
      await fuzzTool(client, tool, i, o);
    } finally {
      await close();
    }
    log(`${tool.name.padEnd(24)} ${o.runsPerTool} inputs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
}

/**
 * The MCP tool fuzzer of test/unit/fuzz at benchmark size: every breach is
 * counted instead of failing the run, and sys_info must still answer after
 * each tool's batch (a failure there ends the run).
 */
export async function runFuzzBench(opts: FuzzBenchOptions, log: (line: string) => void): Promise<FuzzBenchResult> {
  const booted = await fuzzKernel();
  try {
    const probe = await connect(booted.kernel, 'fuzz');
    const { tools } = await probe.client.listTools();
    const tally: Tally = new Map();
    const violations: string[] = [];
    const runsPerTool = Math.ceil(opts.inputs / tools.length);
    const start = performance.now();
    await eachTool((owner) => connect(booted.kernel, owner), tools, { seed: opts.seed, runsPerTool, callTimeoutMs: 15_000, tally, keepGoing: true, violations }, log);
    const seconds = (performance.now() - start) / 1000;
    await stillServing(probe.client);
    await probe.close();
    return { tools: tools.length, inputs: runsPerTool * tools.length, seconds, byCode: Object.fromEntries([...tally].sort((a, b) => b[1] - a[1])), violations };
  } finally {
    await booted.stop();
  }
}
