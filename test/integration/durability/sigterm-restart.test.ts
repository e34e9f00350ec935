import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';
import { answerFor, startInstantUpstream } from '../../fixtures/instant-upstream.mjs';
import { journaledUpstreamConfig, requireBuild } from '../../helpers/cli.js';
import { call, tempDir } from '../../helpers/kernel.js';

/** The built CLI on stdio, started as an MCP client starts it. */
async function startStdio(config: string, dataDir: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [requireBuild(), 'serve', '--no-daemon', '--config', config],
    env: { ...(process.env as Record<string, string>), LLMOS_DATA_DIR: dataDir, LLMOS_LOG_LEVEL: 'info', LLMOS_SHUTDOWN_GRACE_MS: '300' },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d) => (err += d));
  const client = new Client({ name: 'sigterm', version: '1' });
  const closed = new Promise<void>((r) => (client.onclose = () => r()));
  await client.connect(transport);
  return { client, pid: transport.pid!, stderr: () => err, closed };
}

describe('durability: SIGTERM during a long call, then a restart', () => {
  let upstream: Awaited<ReturnType<typeof startInstantUpstream>> | undefined;
  const pids: number[] = [];
  afterAll(async () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await upstream?.close();
  });

  it('the detached process is put back, not failed, and completes exactly once after the restart', async () => {
    upstream = await startInstantUpstream({ delayMs: 2_000 });
    const dataDir = tempDir('llmos-sigterm-');
    const config = journaledUpstreamConfig(upstream.baseURL, [{ id: 'slow' }]);

    const a = await startStdio(config, dataDir);
    pids.push(a.pid);
    expect(a.stderr()).toMatch(/ready: serving MCP on stdio; admins: [^;]+; data dir .*llmos-sigterm-.*, 4 plugins/);
    const { pid } = await call(a.client, 'proc_spawn', { prompt: 'long task', model: 'slow', max_tokens: 16 });
    await expect.poll(() => upstream!.calls.get('long task') ?? 0, { timeout: 10_000 }).toBe(1);
    process.kill(a.pid, 'SIGTERM');
    await a.closed;
    expect(a.stderr()).toContain('put_back');

    const b = await startStdio(config, dataDir);
    pids.push(b.pid);
    expect(b.stderr()).toMatch(/"requeued":1/);
    const rec = await call(b.client, 'proc_wait', { pid, timeout_ms: 30_000 });
    expect(rec).toMatchObject({ pid, state: 'exited', exit: 'ok', result: { text: answerFor('long task') } });
    expect(rec.attempts).toHaveLength(2);
    expect(rec.attempts[0].error).toMatchObject({ code: 'LLMOS_EPREEMPTED' });
    expect(rec.attempts[0].error.message).toContain('the server shut down');
    expect(rec.attempts[1].error).toBeNull();
    expect(upstream.calls.get('long task')).toBe(2); // the interrupted call and the one that completed
    const listed = await call(b.client, 'proc_list', { limit: 100 });
    expect(listed.procs.map((p: { pid: number }) => p.pid)).toEqual([pid]);
    await b.client.close();
  }, 60_000);
});
