import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../../src/mcp/http.js';
import { parseUserTokens } from '../../../src/mcp/http-guard.js';
import { call, testKernel } from '../../helpers/kernel.js';
import { openAs } from './http-attack.js';

/** Two named users, neither an admin. */
const USERS = parseUserTokens('alice:alice-token-1,bob:bob-token-22')!;

let env: Awaited<ReturnType<typeof testKernel>>;
let http: Awaited<ReturnType<typeof serveHttp>>;
beforeAll(async () => {
  env = await testKernel({ admins: undefined });
  http = await serveHttp(env.kernel, { host: '127.0.0.1', port: 0, users: USERS });
});
afterAll(async () => {
  await http.close();
  await env.stop();
});

describe("other users' pids do not show through completions or subscriptions (Streamable HTTP)", () => {
  it("bob's pid completions list only his pids, and his subscription to alice's process is refused as her read is", async () => {
    const [alice, bob] = [await openAs(http.url, USERS.alice), await openAs(http.url, USERS.bob)];
    const mine = (await call(alice.client, 'proc_spawn', { prompt: 'hang on', max_tokens: 4 })).pid as number;
    const his = (await call(bob.client, 'proc_spawn', { prompt: 'his', max_tokens: 4, wait: true })).pid as number;
    const ref = { type: 'ref/resource' as const, uri: 'llmos://proc/{pid}' };
    const complete = async (c: typeof alice.client) => (await c.complete({ ref, argument: { name: 'pid', value: '' } })).completion.values;
    expect(await complete(bob.client)).toEqual([String(his)]);
    expect(await complete(alice.client)).toEqual([String(mine)]);

    const uri = `llmos://proc/${mine}`;
    const readErr = await bob.client.readResource({ uri }).catch((e: Error) => e.message);
    expect(readErr).toMatch(/LLMOS_EPERM/);
    await expect(bob.client.subscribeResource({ uri })).rejects.toThrow(readErr as string);

    const heard: string[] = [];
    alice.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void heard.push(n.params.uri));
    await alice.client.subscribeResource({ uri });
    await call(alice.client, 'proc_kill', { pid: mine });
    await expect.poll(() => heard).toContain(uri);
    await Promise.all([alice.client.close(), bob.client.close()]);
  });
});
