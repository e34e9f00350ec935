import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { boot } from '../../../src/boot.js';
import { createLogger } from '../../../src/kernel/log.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, connect } from '../../helpers/kernel.js';
import { ROOT } from './harness.js';

/** How the scripted endpoint answers GET /v1/models. */
type Mode = 'ok' | '404' | 'html' | 'hang';

/** A local OpenAI-like endpoint that records every request's Authorization header. */
async function scriptedEndpoint() {
  const seen: Array<{ path: string; auth: string | undefined }> = [];
  const sockets = new Set<Socket>();
  let mode: Mode = 'ok';
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    if (mode === 'hang') return;
    if (mode === '404') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"upstream-secret-body 7f3a"}');
    if (mode === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>upstream-secret-body admin panel</html>');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    setMode: (m: Mode) => void (mode = m),
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const ENV = { LLMOS_AUTH_TOKENS: 'alice:tok-alice-1,bob:tok-bob-2', LLMOS_KEY_TEAM: 'team-key-1', TEAM_OPENAI_KEY: 'listed-key-2', OPERATOR_KEY: 'operator-key-3', HOME_SECRET: 'home-4' };
const saved: Record<string, string | undefined> = {};

describe('model_register kind "openai": secrets and egress', () => {
  let dir: string;
  let kernel: Awaited<ReturnType<typeof boot>>['kernel'];
  let stop: () => Promise<void>;
  let ep: Awaited<ReturnType<typeof scriptedEndpoint>>;
  let alice: Awaited<ReturnType<typeof connect>>;
  let bob: Awaited<ReturnType<typeof connect>>;

  beforeAll(() => {
    for (const [k, v] of Object.entries(ENV)) (saved[k] = process.env[k]), (process.env[k] = v);
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmos-egress-'));
    ep = await scriptedEndpoint();
    const openai = {
      base_url: 'https://api.openai.com/v1',
      api_key_env: 'OPERATOR_KEY',
      api_key_envs: ['TEAM_OPENAI_KEY', 'LLMOS_AUTH_TOKENS'], // listing an LLMOS_ variable admits nothing
      egress: { deny: ['10.0.0.0/8', '*.blocked.test'] },
      health_timeout_ms: 300,
      probe_on_start: false,
    };
    const config = join(dir, 'llmos.plugins.json');
    writeFileSync(config, JSON.stringify({ plugins: ['model-openai', 'model-core'].map((n) => ({ name: n, module: join(ROOT, 'plugins', n), options: n === 'model-openai' ? openai : {} })) }));
    ({ kernel, stop } = await boot({ config, inline: [fcfs, echoPlugin([])], dataDir: join(dir, 'data'), logger: createLogger('silent'), admins: ['alice'] }));
    alice = await connect(kernel, 'alice');
    bob = await connect(kernel, 'bob');
  });
  afterEach(async () => {
    await alice.close();
    await bob.close();
    await stop();
    await ep.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const models = async () => (await call(alice.client, 'model_list', {})).models.map((m: { id: string; version: string }) => `${m.id}@${m.version}`);
  const reg = (extra: Record<string, unknown>) => ({ kind: 'openai', id: 'probe', model: 'm', ...extra });
  /** Refused with `code`, no request reached the endpoint, and the model table is as before. */
  async function refused(client: typeof alice.client, name: string, args: Record<string, unknown>, code: string) {
    const [before, requests] = [await models(), ep.seen.length];
    const e = await callError(client, name, args);
    expect(e.code).toBe(code);
    expect(ep.seen.length).toBe(requests);
    expect(await models()).toEqual(before);
    return e;
  }

  it('reads only admitted api_key_env variables, never LLMOS_ auth variables, and never sends them', async () => {
    for (const env of ['LLMOS_AUTH_TOKENS', 'LLMOS_AUTH_TOKEN', 'LLMOS_ADMINS', 'LLMOS_KEY_', 'HOME_SECRET', 'PATH']) {
      const e = await refused(alice.client, 'model_register', reg({ baseURL: ep.url, api_key_env: env }), 'LLMOS_EPERM');
      expect(e.message).toContain('LLMOS_KEY_');
    }
    await refused(bob.client, 'model_register', reg({ baseURL: ep.url, api_key_env: 'LLMOS_KEY_TEAM' }), 'LLMOS_EPERM'); // not an admin
    await call(alice.client, 'model_register', reg({ id: 'team', baseURL: ep.url, api_key_env: 'LLMOS_KEY_TEAM' }));
    await call(alice.client, 'model_register', reg({ id: 'listed', baseURL: ep.url, api_key_env: 'TEAM_OPENAI_KEY' }));
    await call(alice.client, 'model_register', reg({ id: 'nokey', baseURL: ep.url })); // the operator's default key stays with the default endpoint
    await refused(alice.client, 'model_update', { id: 'team', api_key_env: 'LLMOS_AUTH_TOKENS', version: '2' }, 'LLMOS_EPERM');
    expect(ep.seen.map((r) => r.auth)).toEqual(['Bearer team-key-1', 'Bearer listed-key-2', 'Bearer no-key']);
    expect(JSON.stringify(ep.seen)).not.toMatch(/tok-alice|tok-bob|operator-key|home-4/);
    expect(await models()).toEqual(['team@1', 'listed@1', 'nokey@1']);
  });

  it('refuses link-local, metadata and denied destinations before connecting', async () => {
    for (const baseURL of [
      'http://169.254.169.254/latest',
      'http://169.254.10.1:8080/v1',
      'http://[fe80::1]/v1',
      'http://[fd00:ec2::254]/v1',
      'http://[::ffff:169.254.169.254]/v1',
      'http://metadata.google.internal/computeMetadata/v1',
      'http://10.1.2.3/v1',
      'http://api.blocked.test/v1',
    ])
      await refused(alice.client, 'model_register', reg({ baseURL }), 'LLMOS_EPERM');
    await call(alice.client, 'model_register', reg({ id: 'ok', baseURL: ep.url }));
    await refused(alice.client, 'model_update', { id: 'ok', baseURL: 'http://169.254.169.254/v1' }, 'LLMOS_EPERM');
    expect(await models()).toEqual(['ok@1']);
  });

  it('answers every unusable endpoint with the same text: closed port, 404, non-JSON, no answer', async () => {
    const texts = new Set<string>();
    const attempt = async (baseURL: string) => {
      const e = await callError(alice.client, 'model_register', reg({ baseURL }));
      expect(e.code).toBe('LLMOS_EUNAVAILABLE');
      texts.add(e.message);
    };
    await attempt(`http://127.0.0.1:${await closedPort()}/v1`);
    for (const m of ['404', 'html', 'hang'] as const) {
      ep.setMode(m);
      await attempt(ep.url);
    }
    expect(ep.seen.length).toBe(3); // the open port was really asked each time
    expect(texts.size).toBe(1);
    const [text] = texts;
    expect(text).not.toMatch(/404|upstream-secret|html|ECONNREFUSED|refused|timed? ?out|JSON/i);
    expect(await models()).toEqual([]);
  });
});
