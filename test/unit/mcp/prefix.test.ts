import { afterEach, describe, expect, it } from 'vitest';
import { toolName } from '../../../src/mcp/tools.js';
import { call, connect, testKernel } from '../../helpers/kernel.js';

describe('LLMOS_TOOL_PREFIX', () => {
  afterEach(() => void delete process.env.LLMOS_TOOL_PREFIX);

  it('prefixes every tool, and calls still reach the syscall', async () => {
    process.env.LLMOS_TOOL_PREFIX = 'os_';
    const { kernel, stop } = await testKernel();
    const mcp = await connect(kernel);
    const names = (await mcp.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('os_proc_spawn');
    expect(names.every((n) => n.startsWith('os_') && n.length <= 40)).toBe(true);
    expect((await call(mcp.client, 'os_proc_spawn', { prompt: 'prefixed', wait: true })).result.text).toBe('echo: prefixed');
    await mcp.close();
    await stop();
  });

  it('refuses a prefix that breaks the naming rules', () => {
    expect(() => toolName('proc_spawn', 'Bad-Prefix.')).toThrow(/LLMOS_TOOL_PREFIX/);
    expect(() => toolName('proc_spawn', 'x'.repeat(31))).toThrow(/at most 40/);
  });
});
