import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountOpenAiRoutes } from '../../../plugins/gateway-openai/index.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

/** Per-user policy on /v1, as on MCP: erin may use only "other" models and spawn twice a minute. */
const policy = { 'user:erin': { models: ['other*'], rpm: 2 } };

describe('OpenAI gateway: the per-user policy holds on /v1 as on MCP', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  const chat = (model: string, token = 'erin-token-1') =>
    fetch(`${http.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 4 }),
    });
  const code = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  beforeAll(async () => {
    booted = await testKernel({ admins: undefined, policy, backends: [new EchoBackend('echo'), new EchoBackend('other-echo')] });
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, users: { erin: 'erin-token-1', fred: 'fred-token-22' }, mount: (app) => mountOpenAiRoutes(app, kernelApi(booted.kernel)) });
  });
  afterAll(async () => {
    await http.close();
    await booted.stop();
  });

  it('refuses a model her policy does not list (LLMOS_EPERM) before spawning; a listed one and "auto" run on listed models only', async () => {
    const before = booted.kernel.procs.lastPid;
    const refused = await chat('echo');
    expect(refused.status).toBe(403);
    expect(await code(refused)).toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/policy does not allow model "echo"/) });
    expect(booted.kernel.procs.lastPid).toBe(before);
    const ok = await chat('auto');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { model: string }).model).toBe('other-echo');
  });

  it('refuses her third spawn in a minute with 429 LLMOS_ERATELIMIT, while fred, without a policy, is served', async () => {
    await chat('other-echo'); // her second call this minute (the first was "auto" above)
    const third = await chat('other-echo');
    expect(third.status).toBe(429);
    expect((await code(third)).code).toBe('LLMOS_ERATELIMIT');
    expect((await chat('echo', 'fred-token-22')).status).toBe(200);
  });
});
