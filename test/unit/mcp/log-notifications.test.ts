import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/kernel/log.js';
import { clientLogData } from '../../../src/mcp/client-log.js';
import { connect, testKernel } from '../../helpers/kernel.js';

/** Server warnings reach admin sessions only, and no session ever gets a stack trace. */
describe('logging notifications to MCP clients', () => {
  let b: Awaited<ReturnType<typeof testKernel>>;
  const sessions: Array<Awaited<ReturnType<typeof connect>>> = [];
  beforeEach(async () => {
    b = await testKernel({ admins: ['alice'], logger: createLogger('silent') });
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
    await b.stop();
  });

  async function listen(owner: string) {
    const s = await connect(b.kernel, owner);
    sessions.push(s);
    const got: Array<{ level: string; data: unknown }> = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.push(n.params));
    return { ...s, got };
  }

  it('sends server warnings to admin sessions only, without stacks', async () => {
    const alice = await listen('alice');
    const bob = await listen('bob');
    const err = Object.assign(new Error('disk full at /srv/llmos/data'), { cause: new Error('inner') });
    b.kernel.log.error({ err, model: 'm1' }, 'journal write failed');

    await expect.poll(() => alice.got.length).toBe(1);
    const sent = JSON.stringify(alice.got[0]);
    expect(alice.got[0]).toMatchObject({ level: 'error', data: { msg: 'journal write failed', model: 'm1', err: { message: expect.stringContaining('disk full') } } });
    expect(sent).not.toMatch(/"stack"|at .*\.(ts|js):\d+/);
    await bob.client.ping(); // a round trip after the warning: anything sent to bob would have arrived
    expect(bob.got).toEqual([]);
    createLogger('silent').error('another kernel in this process failed'); // its warnings are its own
    await alice.client.ping();
    expect(alice.got).toHaveLength(1);
  });

  it('strips stack properties at any depth and survives cycles', () => {
    const cyclic: Record<string, unknown> = { msg: 'x', err: { message: 'a', stack: 'Error: a\n    at f (/srv/a.js:1:1)', cause: { stack: 's', message: 'b' } }, list: [{ stack: 's' }] };
    cyclic.self = cyclic;
    expect(clientLogData(cyclic)).toEqual({ msg: 'x', err: { message: 'a', cause: { message: 'b' } }, list: [{}], self: '[cut]' });
  });
});
