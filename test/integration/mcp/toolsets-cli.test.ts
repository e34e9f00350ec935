import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/kernel.js';
import { configWith, requireBuild, runCli } from '../../helpers/cli.js';

/** `llmos serve` as a host runs it, with the environment the test gives (the suite's LLMOS_TOOLSETS=all removed). */
function serve(args: string[], env: Record<string, string>) {
  const { LLMOS_TOOLSETS: _all, ...rest } = process.env;
  return new StdioClientTransport({
    command: process.execPath,
    args: [requireBuild(), 'serve', '--no-daemon', '--config', configWith('sched-fcfs', 'model-core'), ...args],
    env: { ...rest, LLMOS_DATA_DIR: tempDir(), LLMOS_LOG_LEVEL: 'warn', ...env } as Record<string, string>,
    stderr: 'pipe',
  });
}

describe('llmos serve --toolsets / --read-only (the built binary over stdio)', () => {
  it('with neither, offers the default toolsets; --toolsets proc --read-only offers only proc tools that change nothing', async () => {
    const plain = new Client({ name: 'toolsets-test', version: '1.0.0' });
    await plain.connect(serve([], {}));
    const names = (await plain.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['proc_spawn', 'model_list', 'model_eval']));
    expect(names).not.toContain('sys_info'); // admin toolset
    expect((await plain.listPrompts()).prompts.map((p) => p.name)).toEqual(['delegate', 'compare_models', 'review_usage']); // no sched-core: no plan_capacity
    await plain.close();

    const ro = new Client({ name: 'toolsets-test', version: '1.0.0' });
    await ro.connect(serve(['--toolsets', 'proc', '--read-only'], {}));
    expect((await ro.listTools()).tools.map((t) => t.name).sort()).toEqual(['proc_get', 'proc_list', 'proc_wait']);
    const refused = await ro.callTool({ name: 'proc_spawn', arguments: { prompt: 'hi' } });
    expect(refused.isError).toBe(true);
    expect((refused.content as Array<{ text: string }>)[0].text).toMatch(/^LLMOS_EPERM: proc_spawn changes state and this server runs read-only/);
    await ro.close();
  });

  it('refuses to start with an unknown toolset or a bad LLMOS_READ_ONLY, naming the valid values', async () => {
    const { LLMOS_TOOLSETS: _all, ...rest } = process.env;
    for (const [env, pattern] of [
      [{ LLMOS_TOOLSETS: 'proc,kgg' }, /LLMOS_EINVAL.*unknown toolset "kgg"; valid: proc, models, kg, alloc, sched, collab, admin/],
      [{ LLMOS_READ_ONLY: 'perhaps' }, /LLMOS_EINVAL.*LLMOS_READ_ONLY="perhaps" is not a flag/],
    ] as const) {
      const { child, stderr } = runCli(['serve', '--no-daemon', '--config', configWith('sched-fcfs')], { ...(rest as Record<string, string>), LLMOS_LOG_LEVEL: 'warn', ...env });
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).not.toBe(0);
      expect(stderr()).toMatch(pattern);
    }
  });
});
