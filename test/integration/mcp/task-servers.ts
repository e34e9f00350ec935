import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBuild, ROOT, startHttpCli } from '../../helpers/cli.js';
export { freePort } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

/** The journal, FCFS, the rules allocator, collab, model-core (model_eval) and the real SmolLM2 GGUF in process. */
export function taskConfig(modelPath: string, extra: { policy?: Record<string, unknown>; plugins?: Array<[string, Record<string, unknown>]> } = {}): string {
  const f = join(tempDir(), 'llmos.plugins.json');
  const plugin = (name: string, options?: Record<string, unknown>) => ({ name, module: join(ROOT, 'plugins', name), ...(options ? { options } : {}) });
  const plugins = [plugin('journal-sqlite'), plugin('sched-fcfs'), plugin('alloc-rules'), plugin('model-core'), plugin('collab'), plugin('model-llamacpp', { model_path: modelPath, threads: 2, concurrency: 1 })];
  for (const [name, options] of extra.plugins ?? []) plugins.push(plugin(name, options));
  const policy = extra.policy;
  writeFileSync(f, JSON.stringify({ plugins, ...(policy && { policy }) }));
  return f;
}

/** `llmos serve --no-daemon` on stdio (this process is the kernel), as an MCP client starts it. */
export async function stdioClient(config: string, dataDir: string, options: ClientOptions = {}, env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [requireBuild(), 'serve', '--no-daemon', '--config', config],
    env: { ...(process.env as Record<string, string>), LLMOS_DATA_DIR: dataDir, LLMOS_LOG_LEVEL: 'warn', LLMOS_SHUTDOWN_GRACE_MS: '300', ...env },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d) => (err += d));
  const client = new Client({ name: 'tasks-test', version: '1' }, options);
  const closed = new Promise<void>((r) => (client.onclose = () => r()));
  await client.connect(transport);
  return { client, pid: transport.pid!, stderr: () => err, closed };
}

/** `llmos serve --http` with named users (name:token,…); resolves once /healthz answers. */
export async function httpServer(config: string, dataDir: string, port: number, tokens: string): Promise<ChildProcess> {
  const { child } = await startHttpCli(config, port, { LLMOS_DATA_DIR: dataDir, LLMOS_LOG_LEVEL: 'warn', LLMOS_AUTH_TOKENS: tokens }, 60_000);
  return child;
}

export async function httpClient(port: number, token: string, options: ClientOptions = {}): Promise<Client> {
  const c = new Client({ name: 'tasks-test', version: '1' }, options);
  await c.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return c;
}

/** A task-augmented tools/call: the task the server created. */
export async function createTask(client: Client, name: string, args: Record<string, unknown>) {
  const { task } = await client.request({ method: 'tools/call', params: { name, arguments: args, task: { ttl: 600_000 } } }, CreateTaskResultSchema);
  return task;
}

/** Polls tasks/get until the task is terminal; returns every status seen. */
export async function pollToEnd(client: Client, taskId: string, timeoutMs = 120_000): Promise<string[]> {
  const seen: string[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const t = await client.experimental.tasks.getTask(taskId);
    if (seen.at(-1) !== t.status) seen.push(t.status);
    if (['completed', 'failed', 'cancelled'].includes(t.status)) return seen;
    if (Date.now() > end) throw new Error(`task ${taskId} still ${t.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, t.pollInterval ?? 200));
  }
}

export const taskResult = (client: Client, taskId: string) => client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema) as Promise<CallToolResult>;

export const killHard = (pids: number[]) => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
};
