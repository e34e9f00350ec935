import { afterEach, describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { callError, connect, testKernel } from '../../helpers/kernel.js';

let env: Awaited<ReturnType<typeof testKernel>> | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

describe('Kernel.shutdown: a graceful stop', () => {
  it('lets a running process finish within the grace period', async () => {
    env = await testKernel({ backends: [new EchoBackend('echo', {}, 20)] });
    const p = env.kernel.spawn({ prompt: 'one two three four', model: 'echo' }, 'alice');
    await expect.poll(() => p.state).toBe('running');
    expect(await env.kernel.shutdown(10_000)).toEqual({ finished: 1, put_back: 0 });
    expect(p.exit).toBe('ok');
  });

  it('puts back what is still running after the grace period: no exit, no model failure; new work is refused', async () => {
    env = await testKernel({ backends: [new EchoBackend('echo')] });
    const { kernel } = env;
    const mcp = await connect(kernel, 'alice');
    const running = kernel.spawn({ prompt: 'hang', model: 'echo' }, 'alice');
    await expect.poll(() => running.state).toBe('running');
    const waiting = callError(mcp.client, 'proc_wait', { pid: running.pid });

    expect(await kernel.shutdown(20)).toEqual({ finished: 0, put_back: 1 });
    expect(running.state).toBe('ready');
    expect(running.exit).toBeUndefined();
    expect(running.error).toBeUndefined();
    expect(running.attempts.at(-1)?.error).toMatchObject({ code: 'LLMOS_EPREEMPTED' });
    expect(running.attempts.at(-1)?.error?.message).toContain('the server shut down');

    // The waiter is told the truth: no journal here, so the process is lost, not "queued again".
    const { code, message } = await waiting;
    expect(code).toBe('LLMOS_EUNAVAILABLE');
    expect(message).toContain('no journal');
    expect(() => kernel.spawn({ prompt: 'late', model: 'echo' }, 'alice')).toThrow(/shutting down/);
    await mcp.close();
  });
});
