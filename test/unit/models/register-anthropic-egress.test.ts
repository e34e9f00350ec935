import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { boot } from '../../../src/boot.js';
import { createLogger } from '../../../src/kernel/log.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, connect } from '../../helpers/kernel.js';
import { ROOT } from './harness.js';

/**
 * model_register kind "anthropic" goes through the same checks as kind
 * "openai" (src/plugin-api/runtime-endpoint.ts): admin only, admitted key
 * variables only, and a client-given baseURL confined by options.egress.
 * Acceptance against a real Messages endpoint is in
 * test/integration/models-manager/anthropic-register.test.ts.
 */
describe('model_register kind "anthropic": refusals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-anthropic-egress-'));
  let stop: () => Promise<void>;
  let alice: Awaited<ReturnType<typeof connect>>;
  let bob: Awaited<ReturnType<typeof connect>>;

  beforeAll(async () => {
    const anthropic = { api_key_env: 'OPERATOR_KEY', api_key_envs: ['TEAM_ANTHROPIC_KEY'], egress: { deny: ['10.0.0.0/8', '*.blocked.test'] }, probe_on_start: false };
    const config = join(dir, 'llmos.plugins.json');
    writeFileSync(config, JSON.stringify({ plugins: ['model-anthropic', 'model-core'].map((n) => ({ name: n, module: join(ROOT, 'plugins', n), options: n === 'model-anthropic' ? anthropic : {} })) }));
    let kernel;
    ({ kernel, stop } = await boot({ config, inline: [fcfs, echoPlugin([])], dataDir: join(dir, 'data'), logger: createLogger('silent'), admins: ['alice'] }));
    alice = await connect(kernel, 'alice');
    bob = await connect(kernel, 'bob');
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const models = async () => (await call(alice.client, 'model_list', {})).models.map((m: { id: string }) => m.id);
  const reg = (extra: Record<string, unknown>) => ({ kind: 'anthropic', id: 'probe', model: 'claude-x', ...extra });
  /** Refused with `code` and the model table as before. */
  async function refused(client: typeof alice.client, args: Record<string, unknown>, code: string) {
    const before = await models();
    const e = await callError(client, 'model_register', args);
    expect(e.code).toBe(code);
    expect(await models()).toEqual(before);
    return e;
  }

  it('refuses link-local, metadata and denied destinations before connecting, naming the option that decides', async () => {
    for (const baseURL of ['http://169.254.169.254', 'http://[fe80::1]', 'http://[::ffff:169.254.169.254]', 'http://metadata.google.internal', 'http://10.1.2.3', 'http://api.blocked.test']) {
      const e = await refused(alice.client, reg({ baseURL }), 'LLMOS_EPERM');
      expect(e.message).toContain("model-anthropic's options.egress");
    }
    await refused(alice.client, reg({ baseURL: 'file:///etc/passwd' }), 'LLMOS_EINVAL');
  });

  it('reads only admitted key variables, never LLMOS_ auth variables or other secrets', async () => {
    for (const env of ['LLMOS_AUTH_TOKENS', 'LLMOS_ADMINS', 'OPERATOR_KEY', 'HOME', 'PATH']) {
      const e = await refused(alice.client, reg({ baseURL: 'http://127.0.0.1:9', api_key_env: env }), 'LLMOS_EPERM');
      expect(e.message).toContain("model-anthropic's options.api_key_envs");
    }
  });

  it('is for admins only, and validates the config', async () => {
    await refused(bob.client, reg({ baseURL: 'http://127.0.0.1:9' }), 'LLMOS_EPERM');
    await refused(alice.client, reg({ baseURL: 'not a url' }), 'LLMOS_EINVAL');
    await refused(alice.client, reg({ context_window: -1 }), 'LLMOS_EINVAL');
  });

  it('answers an endpoint that does not answer its probe as unavailable, quoting nothing', async () => {
    const e = await refused(alice.client, reg({ baseURL: 'http://127.0.0.1:9', api_key_env: 'LLMOS_KEY_TEAM' }), 'LLMOS_EUNAVAILABLE');
    expect(e.message).toContain('failed its health probe');
  });
});
