import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach } from 'vitest';
import collab from '../../../plugins/collab/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import type { ModelBackend } from '../../../src/plugin-api/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callRecord, connect, testKernel } from '../../helpers/kernel.js';

/** A started kernel with FCFS, the given backends, the 'first' test allocator and the collab plugin, plus an MCP client. */
export async function collabKernel(backends: ModelBackend[]) {
  const { kernel, stop } = await testKernel({ inline: [fcfs, echoPlugin(backends), collab] });
  const { client, close } = await connect(kernel);
  return {
    kernel,
    client,
    call: <T = Record<string, any>>(name: string, args: Record<string, unknown>) => call<T>(client, name, args),
    /** proc_wait / proc_spawn {wait:true}: the record however it exited (see callRecord). */
    record: <T = Record<string, any>>(name: string, args: Record<string, unknown>) => callRecord<T>(client, name, args),
    stop: async () => {
      await close();
      await stop();
    },
  };
}

export type CollabClient = Client;

/** Returns start(backends), whose kernels are stopped after each test. */
export function useCollabKernel() {
  const running: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of running.splice(0)) await stop();
  });
  return async (backends: ModelBackend[]) => {
    const k = await collabKernel(backends);
    running.push(k.stop);
    return k;
  };
}

/** Sum of the children's usage, for roll-up checks. */
export function childUsage(kernel: Awaited<ReturnType<typeof collabKernel>>['kernel'], pids: number[]) {
  const u = { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
  for (const pid of pids) {
    const p = kernel.procs.must(pid);
    u.prompt_tokens += p.usage.prompt_tokens;
    u.completion_tokens += p.usage.completion_tokens;
    u.cost_usd += p.usage.cost_usd;
  }
  return u;
}
