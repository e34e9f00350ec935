import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { daemonPaths } from '../../../src/daemon/paths.js';
import { answerFor, startInstantUpstream } from '../../fixtures/instant-upstream.mjs';
import { requireBuild, ROOT } from '../../helpers/cli.js';
import { call, tempDir } from '../../helpers/kernel.js';

const PER_CLIENT = 100;
const CONCURRENCY = 8;

/** The journal, FCFS, the rules allocator, the instant upstream as model "instant", and the embedded SmolLM2 (to count its loads). */
function config(baseURL: string): string {
  const f = join(tempDir(), 'llmos.plugins.json');
  const plugin = (name: string, options?: Record<string, unknown>) => ({ name, module: join(ROOT, 'plugins', name), ...(options ? { options } : {}) });
  const models = [{ id: 'instant', concurrency: CONCURRENCY }];
  writeFileSync(f, JSON.stringify({ plugins: [plugin('journal-sqlite'), plugin('sched-fcfs'), plugin('alloc-rules'), plugin('model-openai', { base_url: baseURL, probe_on_start: false, models }), plugin('model-llamacpp', { model_path: inject('modelPath') })] }));
  return f;
}

/** `llmos serve` on stdio, started as an MCP client starts it: a thin client of the data dir's daemon. */
async function stdioClient(cfg: string, dataDir: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [requireBuild(), 'serve', '--config', cfg],
    env: { ...(process.env as Record<string, string>), LLMOS_DATA_DIR: dataDir, LLMOS_LOG_LEVEL: 'info', LLMOS_MAX_FINISHED: '10000' },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'daemon-clients', version: '1' });
  const closed = new Promise<void>((r) => (client.onclose = () => r()));
  await client.connect(transport);
  return { client, closed };
}

const logLines = (dataDir: string, msg: RegExp) =>
  readFileSync(daemonPaths(dataDir).log, 'utf8').split('\n').filter((l) => l.startsWith('{') && msg.test(JSON.parse(l).msg));
const daemonPid = (dataDir: string): number => JSON.parse(readFileSync(daemonPaths(dataDir).info, 'utf8')).pid;

describe('three stdio clients share one daemon, which survives a kill -9 through the journal', () => {
  let upstream: Awaited<ReturnType<typeof startInstantUpstream>> | undefined;
  const daemons = new Set<number>();
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const pid of daemons) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await upstream?.close();
  });

  it('one kernel and one model load for all three; after kill -9 the next client start replays: nothing lost, nothing doubled, pids unique', async () => {
    upstream = await startInstantUpstream({ delayMs: 60, holdAfter: 150 });
    const dataDir = tempDir('llmos-daemon-');
    const cfg = config(upstream.baseURL);

    // Three clients start at once: the lock admits one daemon, all three attach to it.
    const three = await Promise.all([0, 1, 2].map(() => stdioClient(cfg, dataDir)));
    clients.push(...three.map((t) => t.client));
    daemons.add(daemonPid(dataDir));
    expect(logLines(dataDir, /^ready: serving MCP on unix socket/)).toHaveLength(1);
    const infos = await Promise.all(three.map((t) => call(t.client, 'sys_info')));
    expect(infos.map((i) => i.transports)).toEqual([['socket'], ['socket'], ['socket']]);

    // Under load: each client spawns its detached processes; one process table hands out unique pids.
    const prompts = [0, 1, 2].flatMap((c) => Array.from({ length: PER_CLIENT }, (_, j) => `client ${c} task ${j}`));
    const pids = await Promise.all(prompts.map((prompt, i) => call(three[Math.floor(i / PER_CLIENT)].client, 'proc_spawn', { prompt, model: 'instant', max_tokens: 16 }).then((r) => r.pid as number)));
    expect(new Set(pids).size).toBe(prompts.length);
    const promptOf = new Map(pids.map((pid, i) => [pid, prompts[i]]));
    await expect.poll(() => logLines(dataDir, /^model loaded$/).length, { timeout: 60_000 }).toBe(1);

    // kill -9 of the daemon mid-run: every attached client sees its server go away.
    await expect.poll(() => upstream!.total(), { timeout: 60_000 }).toBeGreaterThan(150);
    process.kill(daemonPid(dataDir), 'SIGKILL');
    await Promise.all(three.map((t) => t.closed));
    expect(upstream.total()).toBeLessThan(prompts.length);
    upstream.release();

    // The next client start brings up a daemon that replays the journal.
    const next = await stdioClient(cfg, dataDir);
    clients.push(next.client);
    daemons.add(daemonPid(dataDir));
    const records = await Promise.all(pids.map((pid) => call(next.client, 'proc_wait', { pid, timeout_ms: 60_000 })));
    for (const r of records) expect(r).toMatchObject({ state: 'exited', exit: 'ok', owner: 'stdio', result: { text: answerFor(promptOf.get(r.pid)!) } });
    const listed = await call(next.client, 'proc_list', { limit: 1000 });
    expect(listed.procs.map((p: { pid: number }) => p.pid).sort((a: number, b: number) => a - b)).toEqual([...pids].sort((a, b) => a - b));
    // At most once more: only calls in flight at the kill (journaled running) reached the upstream twice.
    for (const p of prompts) expect(upstream.calls.get(p)).toBeGreaterThanOrEqual(1);
    for (const p of prompts) expect(upstream.calls.get(p)).toBeLessThanOrEqual(2);
    const twice = prompts.filter((p) => upstream!.calls.get(p) === 2);
    expect(twice.length).toBeLessThanOrEqual(2 * CONCURRENCY);
    const interrupted = new Set(records.filter((r) => r.attempts.length === 2).map((r) => promptOf.get(r.pid)!));
    for (const p of twice) expect(interrupted.has(p)).toBe(true);
    for (const r of records) expect(r.attempts.length).toBeLessThanOrEqual(2);
    // One kernel per daemon, and the model loaded once by each, never once per client.
    expect(logLines(dataDir, /^ready: serving MCP on unix socket/)).toHaveLength(2);
    await expect.poll(() => logLines(dataDir, /^model loaded$/).length, { timeout: 60_000 }).toBe(2);
  }, 240_000);
});
