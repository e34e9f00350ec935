import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { configWith, requireBuild } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

const run = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [requireBuild(), ...args], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e) => ({ code: e.code as number, stdout: String(e.stdout), stderr: String(e.stderr) }),
  );

describe('llmos daemon run|status|stop, and no second kernel on one data dir', () => {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });

  it('status shows the running daemon; serve --http on its data dir is refused with LLMOS_EBUSY; stop ends it', async () => {
    const env = { LLMOS_DATA_DIR: tempDir('llmos-daemon-cli-'), LLMOS_LOG_LEVEL: 'warn' };
    const config = configWith('sched-fcfs');
    expect((await run(['daemon', 'status'], env)).code).toBe(1);
    const daemon = spawn(process.execPath, [requireBuild(), 'daemon', 'run', '--config', config], { env: { ...process.env, ...env }, stdio: 'ignore' });
    started.push(daemon.pid!);
    await expect.poll(async () => (await run(['daemon', 'status'], env)).code, { timeout: 30_000 }).toBe(0);
    const status = JSON.parse((await run(['daemon', 'status'], env)).stdout);
    expect(status).toMatchObject({ running: true, pid: daemon.pid, transport: 'daemon', state: 'ready', config });

    const http = await run(['serve', '--http', '--port', '0', '--config', config], env);
    expect(http.code).toBe(1);
    expect(http.stderr.trim()).toMatch(new RegExp(`^llmos: LLMOS_EBUSY: another LLMOS kernel already serves the data dir .* \\(pid ${daemon.pid}, daemon\\)`));
    const second = await run(['daemon', 'run', '--config', config], env);
    expect(second.code).toBe(75);

    const exited = new Promise((r) => daemon.once('exit', r));
    expect((await run(['daemon', 'stop'], env)).code).toBe(0);
    await exited;
    expect(JSON.parse((await run(['daemon', 'status'], env)).stdout)).toMatchObject({ running: false });
  });

  it('stop also ends a daemon that is still booting (it holds the lock but does not serve yet)', async () => {
    const env = { LLMOS_DATA_DIR: tempDir('llmos-daemon-boot-'), LLMOS_LOG_LEVEL: 'warn' };
    const daemon = spawn(process.execPath, [requireBuild(), 'daemon', 'run'], { env: { ...process.env, ...env }, stdio: 'ignore' }); // the full default config: seconds of boot
    started.push(daemon.pid!);
    const info = join(env.LLMOS_DATA_DIR, 'run', 'daemon.json');
    await expect.poll(() => existsSync(info) && JSON.parse(readFileSync(info, 'utf8')).state, { timeout: 30_000, interval: 20 }).toBe('starting');
    const exited = new Promise((r) => daemon.once('exit', r));
    const stop = await run(['daemon', 'stop'], env);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toMatch(new RegExp(`stopped the kernel \\(pid ${daemon.pid}\\)`));
    await exited;
  });
});
