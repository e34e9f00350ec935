import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { configWith, requireBuild, ROOT, runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

type Msg = { id?: number | string; method?: string; result?: Record<string, unknown> & { tools?: unknown[] }; error?: { code: number; message: string } };

const INIT = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cold-start-test', version: '1' } };
const stop = (env: Record<string, string>) => promisify(execFile)(process.execPath, [requireBuild(), 'daemon', 'stop'], { env: { ...process.env, ...env } }).catch(() => undefined);

/**
 * A stdio client as MCP clients start one: initialize, initialized, then
 * `then` (raw JSON-RPC). Collects every line until `until` holds.
 */
async function session(env: Record<string, string>, then: Msg[], until: (seen: Msg[]) => boolean) {
  const { child, lines } = runCli(['serve'], env);
  const send = (m: Msg & { params?: unknown }) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
  send({ id: 1, method: 'initialize', params: INIT });
  send({ method: 'notifications/initialized' });
  for (const m of then) send(m);
  const seen: Msg[] = [];
  while (!until(seen)) {
    const next = await lines.next();
    if (next.done) break;
    seen.push(JSON.parse(next.value as string) as Msg);
  }
  child.stdin.end();
  const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
  return { seen, code, byId: (id: number) => seen.find((m) => m.id === id) };
}

describe('a cold start answers initialize and tools/list from the kernel\'s recorded answers', () => {
  const env = { LLMOS_DATA_DIR: tempDir('llmos-cold-'), LLMOS_LOG_LEVEL: 'warn', LLMOS_CONFIG: configWith('sched-fcfs', 'alloc-rules') };
  const answers = join(env.LLMOS_DATA_DIR, 'run', 'answers.json');
  const listTools = { id: 2, method: 'tools/list' };
  const sysInfo = { id: 3, method: 'tools/call', params: { name: 'sys_info', arguments: {} } } as Msg;
  afterAll(() => stop(env));

  it('records exactly what the daemon lists, and a cold start serves it, then runs tools on the kernel it started', async () => {
    const first = await session(env, [listTools], (s) => s.some((m) => m.id === 2));
    const live = first.byId(2)!.result!;
    expect(live.tools!.length).toBeGreaterThan(5);
    await expect.poll(() => existsSync(answers), { timeout: 30_000 }).toBe(true);
    expect(JSON.parse(readFileSync(answers, 'utf8')).tools).toEqual(live);
    await stop(env);

    const cold = await session(env, [listTools, sysInfo], (s) => s.some((m) => m.id === 3));
    expect(cold.byId(1)!.result).toEqual(first.byId(1)!.result);
    expect(cold.byId(2)!.result).toEqual(live);
    expect((cold.byId(3)!.result!.structuredContent as { name: string }).name).toBe('llmos'); // waited for the kernel, did not fail
    expect(cold.seen.filter((m) => m.id === 1)).toHaveLength(1); // the kernel's own initialize reply is not passed on twice
    expect(cold.seen.some((m) => m.method === 'notifications/tools/list_changed')).toBe(false);
    expect(cold.code).toBe(0);
  });

  it('tells the client tools/list_changed when the recording turns out stale, and the kernel then lists the truth', async () => {
    await stop(env);
    const recorded = JSON.parse(readFileSync(answers, 'utf8'));
    const full = recorded.tools.tools.length;
    writeFileSync(answers, JSON.stringify({ ...recorded, tools: { tools: recorded.tools.tools.slice(1) } }));
    const s = await session(env, [listTools], (seen) => seen.some((m) => m.method === 'notifications/tools/list_changed'));
    expect(s.byId(2)!.result!.tools).toHaveLength(full - 1);
    const again = await session(env, [{ id: 4, method: 'tools/list' }], (seen) => seen.some((m) => m.id === 4));
    expect(again.byId(4)!.result!.tools).toHaveLength(full);
  });

  it('answers held requests with the daemon\'s coded error when it cannot start', async () => {
    await stop(env);
    expect(existsSync(answers)).toBe(true);
    const s = await session({ ...env, LLMOS_MAX_QUEUE: 'lots' }, [listTools, sysInfo], (seen) => seen.some((m) => m.id === 3));
    expect(s.byId(2)!.result!.tools!.length).toBeGreaterThan(5);
    expect(s.byId(3)!.error!.message).toMatch(/^LLMOS_EINVAL: LLMOS_MAX_QUEUE="lots" is not an integer/);
    expect(s.code).toBe(1);
  });
});

describe('the very first start of a data dir answers from the recording the build ships', () => {
  // LLMOS_TOOLSETS empty, as a user who sets none has it (the suite sets it to "all"): the build recorded the default toolsets.
  const env = { LLMOS_DATA_DIR: tempDir('llmos-first-'), LLMOS_LOG_LEVEL: 'info', LLMOS_TOOLSETS: '' };
  afterAll(() => stop(env));

  it('serves initialize and tools/list before its kernel is up, exactly as that kernel lists them', async () => {
    const recorded = join(ROOT, 'dist/src/answers.json');
    if (!existsSync(recorded)) throw new Error(`${recorded} is missing: run \`npm run build\` (tsc alone does not record the default config's answers).`);
    const shipped = JSON.parse(readFileSync(recorded, 'utf8'));
    expect(existsSync(join(env.LLMOS_DATA_DIR, 'run', 'answers.json'))).toBe(false);
    const { child, lines, stderr } = runCli(['serve'], env);
    const send = (m: Msg & { params?: unknown }) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
    send({ id: 1, method: 'initialize', params: INIT });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/list' });
    send({ id: 3, method: 'tools/call', params: { name: 'proc_list', arguments: {} } }); // sys_info is not in the default toolsets
    const seen: Msg[] = [];
    while (!seen.some((m) => m.id === 3)) seen.push(JSON.parse((await lines.next()).value as string) as Msg);
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    expect(stderr()).toMatch(/answering initialize and tools\/list from the recorded answers meanwhile/);
    expect(seen.find((m) => m.id === 2)!.result).toEqual(shipped.tools);
    expect(seen.some((m) => m.method === 'notifications/tools/list_changed')).toBe(false); // the live kernel lists the same
    expect((seen.find((m) => m.id === 3)!.result!.structuredContent as { procs: unknown[] }).procs).toEqual([]);
  });

  it('is not replayed under an environment that changes the tool list', async () => {
    const renamed = { LLMOS_DATA_DIR: tempDir('llmos-first-'), LLMOS_LOG_LEVEL: 'info', LLMOS_TOOL_PREFIX: 'os_' };
    try {
      const s = await session(renamed, [{ id: 2, method: 'tools/list' }], (seen) => seen.some((m) => m.id === 2));
      expect((s.byId(2)!.result!.tools as Array<{ name: string }>).every((t) => t.name.startsWith('os_'))).toBe(true);
    } finally {
      await stop(renamed);
    }
  });
});
