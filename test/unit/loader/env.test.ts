import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { configWith, requireBuild } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

/** Runs `llmos serve` with one environment override; it must refuse before serving. */
function serveWith(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [requireBuild(), 'serve', '--no-daemon', '--config', configWith('sched-fcfs')], {
    env: { ...process.env, LLMOS_DATA_DIR: tempDir(), ...env },
    input: '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.trim().split('\n') };
}

describe('environment values are checked at start-up', () => {
  it.each([
    ['LLMOS_MAX_QUEUE', 'abc', /integer ≥ 1/],
    ['LLMOS_RETRIES', 'lots', /integer ≥ 0/],
    ['LLMOS_CALL_TIMEOUT_MS', '-5', /integer ≥ 1/],
    ['LLMOS_LOG_LEVEL', 'loud', /one of fatal, error, warn, info/],
  ])('%s=%s stops start-up with one line naming it', (name, value, accepts) => {
    const r = serveWith({ [name]: value });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(''); // nothing on the protocol stream
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(new RegExp(`^llmos: LLMOS_EINVAL: ${name}=`));
    expect(r.lines[0]).toMatch(accepts);
  });
});
