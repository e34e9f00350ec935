import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, requireBuild, ROOT, startHttpCli } from '../../helpers/cli.js';
import { call, tempDir } from '../../helpers/kernel.js';
import { httpClient, killHard } from '../mcp/task-servers.js';

const run = promisify(execFile);
const ALICE = 'alice-token-1'; // an admin
const BOB = 'bob-token-22';

/** FCFS, the rules allocator and model-openai on the real llama.cpp server, with a model tpm so low that a second task waits for room (a process that stays queued, to kill). */
function opsConfig(baseURL: string): string {
  const f = join(tempDir(), 'llmos.plugins.json');
  const plugin = (name: string, options?: Record<string, unknown>) => ({ name, module: join(ROOT, 'plugins', name), ...(options ? { options } : {}) });
  const smol = { id: 'smol', concurrency: 1, limits: { tpm: 200 } };
  writeFileSync(f, JSON.stringify({ plugins: [plugin('sched-fcfs'), plugin('alloc-rules'), plugin('model-openai', { base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', probe_on_start: false, models: [smol] })] }));
  return f;
}

let server: ChildProcess;
let url: string;
let alice: Client;
let bob: Client;

/** The built CLI with `args`; resolves stdout, stderr and the exit code (never rejects). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ out: string; err: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [requireBuild(), ...args], { env: { ...process.env, LLMOS_URL: '', LLMOS_TOKEN: '', LLMOS_AUTH_TOKEN: '', ...env }, timeout: 60_000 });
    return { out: stdout, err: stderr, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { out: x.stdout, err: x.stderr, code: x.code };
  }
}
const as = (token: string, ...args: string[]) => cli([...args, '--url', url, '--token', token]);

/** Spawns a task that waits for the model's tpm to have room: it stays queued for up to a minute. */
const spawnWaiting = async (c: Client, prompt: string) => (await call(c, 'proc_spawn', { prompt, model: 'smol', max_tokens: 190 })).pid as number;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/mcp`;
  const env = { LLMOS_DATA_DIR: tempDir(), LLMOS_LOG_LEVEL: 'warn', LLMOS_AUTH_TOKENS: `alice:${ALICE},bob:${BOB}`, LLMOS_ADMINS: 'user:alice' };
  ({ child: server } = await startHttpCli(opsConfig(inject('llamaBaseURL')), port, env, 60_000));
  alice = await httpClient(port, ALICE);
  bob = await httpClient(port, BOB);
}, 120_000);
afterAll(async () => {
  await alice?.close();
  await bob?.close();
  killHard(server?.pid ? [server.pid] : []);
});

describe('llmos ps / kill / logs / top against a running llmos serve --http', () => {
  it('ps lists the caller’s processes; an admin sees everyone’s; kill ends one; logs shows what it did', async () => {
    // Admitted at once, it takes the model's tpm window; the tasks after it wait (blocked) for room.
    const first = await spawnWaiting(bob, 'Say hi.');
    const queued = await spawnWaiting(bob, 'Say hello.');
    const theirs = await spawnWaiting(alice, 'Say bye.');

    const bobPs = await as(BOB, 'ps');
    expect(bobPs.code, bobPs.err).toBe(0);
    expect(bobPs.out.split('\n')[0]).toMatch(/^PID\s+PPID\s+OWNER\s+STATE/);
    expect(bobPs.out).toMatch(new RegExp(`^${queued}\\s+0\\s+user:bob\\s+(ready|new|blocked)`, 'm'));
    expect(bobPs.out).not.toContain('user:alice');
    const all = JSON.parse((await cli(['ps', '--json', '--url', url], { LLMOS_TOKEN: ALICE })).out) as Array<{ pid: number; owner: string }>;
    expect(all.map((p) => p.pid)).toEqual(expect.arrayContaining([first, queued, theirs]));

    const killed = await as(BOB, 'kill', String(queued));
    expect(killed.code, killed.err).toBe(0);
    expect(killed.out.trim()).toMatch(new RegExp(`^${queued} exited killed$`));

    const logs = await as(BOB, 'logs', String(queued));
    expect(logs.code, logs.err).toBe(0);
    expect(logs.out).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[${queued}\\] created by user:bob, model smol, max_tokens 190`, 'm'));
    expect(logs.out).toMatch(new RegExp(`\\[${queued}\\] exited killed \\(\\d+ prompt \\+ \\d+ completion tokens, \\$[\\d.]+\\): LLMOS_EKILLED: process ${queued} was killed by proc_kill from "user:bob"`));
    await call(bob, 'proc_kill', { pid: first });
    await call(alice, 'proc_kill', { pid: theirs });
  }, 120_000);

  it('a non-admin can neither kill nor read another owner’s process: LLMOS_EPERM, and the process lives on', async () => {
    const theirs = await spawnWaiting(alice, 'Say what.');
    const kill = await as(BOB, 'kill', String(theirs));
    expect(kill.code).toBe(1);
    expect(kill.err).toMatch(/^llmos: LLMOS_EPERM: process \d+ belongs to "user:alice"; only its owner or an admin/);
    const logs = await as(BOB, 'logs', String(theirs));
    expect(logs.err).toMatch(/^llmos: LLMOS_EPERM/);
    expect((await call(alice, 'proc_get', { pid: theirs })).state).not.toBe('exited');
    const byAdmin = await as(ALICE, 'kill', String(theirs));
    expect(byAdmin.out.trim()).toBe(`${theirs} exited killed`);
  });

  it('logs -f follows a process until it exits', async () => {
    const pid = await spawnWaiting(bob, 'Say yes.');
    const follower = spawn(process.execPath, [requireBuild(), 'logs', '-f', String(pid), '--url', url, '--token', BOB]);
    let out = '';
    follower.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => follower.once('exit', r));
    for (let i = 0; i < 100 && !out.includes('created by'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain(`[${pid}] created by user:bob`);
    expect(follower.exitCode).toBeNull(); // still following
    await call(bob, 'proc_kill', { pid });
    expect(await exited).toBe(0);
    expect(out).toMatch(new RegExp(`\\[${pid}\\] exited killed .*LLMOS_EKILLED`));
  });

  it('top prints one plain screen when stdout is not a terminal', async () => {
    const top = await as(ALICE, 'top');
    expect(top.code, top.err).toBe(0);
    expect(top.out).toMatch(/^llmos \d+\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+ {2}up .* you: user:alice \(admin\)$/m);
    expect(top.out).toMatch(/^scheduler fcfs {2}allocator rules {2}models 1/m);
    expect(top.out).toMatch(/^PID\s+PPID\s+OWNER/m);
    expect(top.out).not.toContain('\x1b[');
  });

  it('top on a terminal redraws until q', async () => {
    // script(1) gives the CLI a pseudo-terminal; "q" typed into it quits.
    const cmd = [process.execPath, requireBuild(), 'top', '--interval', '200', '--url', url, '--token', ALICE].map((a) => `'${a}'`).join(' ');
    const term = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, TERM: 'xterm', COLUMNS: '100', LINES: '30' } });
    let out = '';
    term.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => term.once('exit', r));
    for (let i = 0; i < 100 && (out.match(/up \d/g) ?? []).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect((out.match(/\x1b\[H\x1b\[2J/g) ?? []).length).toBeGreaterThanOrEqual(2); // redrawn
    term.stdin.write('q');
    expect(await exited).toBe(0);
    expect(out).toContain('\x1b[?1049l'); // the terminal is given back
  });

  it('says what to do when the server is unreachable or the token is wrong', async () => {
    const bad = await as('not-a-token', 'ps');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^llmos: LLMOS_EPERM: .* refused the bearer token \(HTTP 401\); pass --token or set LLMOS_TOKEN/);
    const gone = await cli(['ps', '--url', `http://127.0.0.1:${await freePort()}/mcp`]);
    expect(gone.err).toMatch(/^llmos: LLMOS_EUNAVAILABLE: cannot reach an LLMOS server at .*ECONNREFUSED.*start one with `llmos serve --http`/);
    const notUrl = await cli(['ps'], { LLMOS_URL: 'localhost:7420' });
    expect(notUrl.err).toMatch(/^llmos: LLMOS_EINVAL: LLMOS_URL="localhost:7420" is not an http\(s\) URL/);
    const notPid = await as(BOB, 'kill', '12abc');
    expect(notPid.err).toMatch(/^llmos: LLMOS_EINVAL: "12abc" is not a process id/);
  });
});
