import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireBuild } from '../../helpers/cli.js';

const run = promisify(execFile);
const SIM = ['simulate', '--policy', 'fcfs,sjf', '--arrival-rate', '0.8', '--service-rate', '1', '--servers', '1', '--tasks', '3000', '--seed', '1'];

describe('progress bars on long CLI work (cli-progress)', () => {
  it('are silent when output is not a terminal: stdout holds only the report, stderr no bar', async () => {
    const { stdout, stderr } = await run(process.execPath, [requireBuild(), ...SIM], { env: { ...process.env, LLMOS_LOG_LEVEL: 'warn' } });
    expect(stdout).toMatch(/^policy fcfs: 3000 tasks/m);
    expect(stdout + stderr).not.toContain('simulate [');
  }, 120_000);

  it('show each step on a terminal (script(1) gives the CLI a pseudo-terminal)', () => {
    const cmd = [process.execPath, requireBuild(), ...SIM].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, LLMOS_LOG_LEVEL: 'warn', TERM: 'xterm' }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/simulate \[[░█]+\] 0\/2 fcfs/);
    expect(r.stdout).toMatch(/simulate \[[░█]+\] 1\/2 sjf/);
    expect(r.stdout).toMatch(/policy sjf: 3000 tasks/);
  }, 120_000);
});
