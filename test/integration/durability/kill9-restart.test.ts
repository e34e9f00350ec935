import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { answerFor, startInstantUpstream } from '../../fixtures/instant-upstream.mjs';
import { freePort, journaledUpstreamConfig, startHttpCli } from '../../helpers/cli.js';
import { call, tempDir } from '../../helpers/kernel.js';

const N = 1000;
/** Slots on the upstream model: at most this many calls are in flight when the server dies. */
const CONCURRENCY = 16;
const RESTART_CODE = 'LLMOS_EINTERNAL';

/** The built CLI serving HTTP; resolves once /healthz answers. */
const startServer = (config: string, dataDir: string, port: number) =>
  startHttpCli(config, port, { LLMOS_DATA_DIR: dataDir, LLMOS_LOG_LEVEL: 'warn', LLMOS_MAX_FINISHED: String(10 * N), LLMOS_ADMINS: 'http:*' }); // the checking client, a new session after the restart, reads every process as the operator

async function mcpClient(port: number): Promise<Client> {
  const c = new Client({ name: 'durability', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return c;
}

/** Runs fn over items with at most `width` in flight. */
async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

describe('durability: kill -9 during a run of 1,000 processes', () => {
  const children: ChildProcess[] = [];
  let upstream: Awaited<ReturnType<typeof startInstantUpstream>> | undefined;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await upstream?.close();
  });

  it('every accepted process reaches exited with exactly one result: none lost, none doubled', async () => {
    // A fast scripted upstream: 60 ms a call, so the run takes a few seconds and the kill lands mid-run.
    upstream = await startInstantUpstream({ delayMs: 60 });
    const dataDir = tempDir('llmos-durability-');
    const config = journaledUpstreamConfig(upstream.baseURL, [{ id: 'instant', concurrency: CONCURRENCY }]);
    const port = await freePort();

    // 1. Accept 1,000 processes over HTTP MCP.
    let server = await startServer(config, dataDir, port);
    children.push(server.child);
    let client = await mcpClient(port);
    const prompts = Array.from({ length: N }, (_, i) => `task ${i}`);
    const accepted = await pool(prompts, 16, async (prompt) => (await call(client, 'proc_spawn', { prompt, max_tokens: 16 })).pid as number);
    expect(new Set(accepted).size).toBe(N);
    const promptOf = new Map(accepted.map((pid, i) => [pid, prompts[i]]));

    // 2. kill -9 once a good part has run and while calls are in flight.
    const end = Date.now() + 60_000;
    while (upstream.total() < N / 4) {
      if (Date.now() > end) throw new Error(`the run did not progress: ${upstream.total()} upstream calls; server log: ${server.stderr()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGKILL');
    await exited;
    await client.close().catch(() => undefined);
    const callsAtKill = upstream.total();
    expect(callsAtKill).toBeLessThan(N); // it really died mid-run

    // 3. Restart on the same data dir; every process finishes.
    server = await startServer(config, dataDir, port);
    children.push(server.child);
    client = await mcpClient(port);
    const records = await pool(accepted, 16, (pid) => call(client, 'proc_wait', { pid, timeout_ms: 60_000 }));

    // Every accepted pid exited once, with the one result its own prompt gives.
    for (const r of records) {
      expect(r.state).toBe('exited');
      expect(r.exit).toBe('ok');
      expect(r.result.text).toBe(answerFor(promptOf.get(r.pid)!));
    }
    // No process was created twice: the table holds exactly the accepted pids.
    const listed: number[] = [];
    for (let cursor = 0; ; ) {
      const page = await call(client, 'proc_list', { limit: 1000, cursor });
      listed.push(...page.procs.map((p: { pid: number }) => p.pid));
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    expect(listed.sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));

    // At-least-once: every prompt reached the upstream; only processes journaled RUNNING at the kill
    // (replayed with one more attempt) reached it twice, and never more. Those are the calls in flight
    // plus, at most, the exits of the last event-loop turn whose batched write the kill cut off.
    const interrupted = new Set(records.filter((r) => r.attempts.some((a: { error: { code: string } | null }) => a.error?.code === RESTART_CODE)).map((r) => promptOf.get(r.pid)!));
    const twice = prompts.filter((p) => (upstream!.calls.get(p) ?? 0) > 1);
    for (const p of prompts) expect(upstream.calls.get(p) ?? 0).toBeGreaterThanOrEqual(1);
    expect(Math.max(...prompts.map((p) => upstream!.calls.get(p) ?? 0))).toBeLessThanOrEqual(2);
    for (const p of twice) expect(interrupted.has(p)).toBe(true);
    expect(interrupted.size).toBeGreaterThan(0);
    expect(interrupted.size).toBeLessThanOrEqual(2 * CONCURRENCY);
    for (const r of records.filter((x) => interrupted.has(promptOf.get(x.pid)!))) expect(r.attempts.length).toBe(2);
    expect(upstream.total()).toBe(N + twice.length);

    await client.close();
    const stopped = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await stopped;
  }, 180_000);
});
