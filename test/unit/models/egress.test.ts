import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkEgress, egressLookup, EgressPolicy, isAllowedKeyEnv, socketCode, unreachableEndpoint } from '../../../src/plugin-api/index.js';
import { APIConnectionError as AnthropicConnectionError } from '@anthropic-ai/sdk';
import { makeClient as makeAnthropicClient, AnthropicOptions } from '../../../plugins/model-anthropic/connection.js';
import { postJson } from '../../../plugins/model-openai/direct.js';
import { makeClient, OpenAIOptions } from '../../../plugins/model-openai/connection.js';
import { createLogger } from '../../../src/kernel/log.js';
import { requireBuild } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

/** DNS answers chosen by the test, so resolution-time checks are exercised without a network. */
const dns: Record<string, string[]> = { 'evil.example': ['93.184.216.34', '169.254.169.254'], 'v6.example': ['fe80::abcd'], 'api.example.com': ['203.0.113.7'], 'lan.example': ['10.0.0.5'] };
const lookup = async (h: string) => {
  if (!dns[h]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
  return dns[h];
};
const policy = (p: Partial<EgressPolicy> = {}) => EgressPolicy.parse(p);
const check = (url: string, p = policy()) => checkEgress(url, p, 'm', lookup);

describe('checkEgress', () => {
  it('refuses a host that resolves to a link-local or metadata address, whatever its name', async () => {
    await expect(check('http://evil.example/v1')).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringContaining('169.254.169.254') });
    await expect(check('http://v6.example/v1')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://100.100.100.200/')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://[64:ff9b::a9fe:a9fe]/')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://METADATA.google.internal./')).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    // allow lists cannot reopen them
    await expect(check('http://169.254.169.254/', policy({ allow: ['*', '0.0.0.0/0'] }))).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
  });

  it('applies the operator\'s deny and allow lists by host pattern and CIDR', async () => {
    await expect(check('http://api.example.com/v1')).resolves.toBeUndefined();
    await expect(check('http://127.0.0.1:8080/v1')).resolves.toBeUndefined();
    await expect(check('http://lan.example/v1', policy({ deny: ['10.0.0.0/8'] }))).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    await expect(check('http://api.example.com/v1', policy({ deny: ['*.example.com'] }))).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    const allow = policy({ allow: ['*.example.com', '127.0.0.0/8'] });
    await expect(check('http://api.example.com/v1', allow)).resolves.toBeUndefined();
    await expect(check('http://127.0.0.2/v1', allow)).resolves.toBeUndefined();
    await expect(check('http://lan.example/v1', allow)).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringContaining('allow list') });
    await expect(check('http://[::1]/v1', allow)).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
  });

  it('answers a name that does not resolve exactly as an endpoint that does not answer', async () => {
    const e = await check('http://nowhere.invalid/v1').catch((x: Error) => x);
    expect(e).toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: unreachableEndpoint('m').message });
    expect((e as Error).message).not.toContain('ENOTFOUND');
    await expect(check('file:///etc/passwd')).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
  });
});

/** egressLookup's answer for a host, as net.connect would get it. */
const resolveVia = (p: EgressPolicy, host: string, all = false, answers = dns) =>
  new Promise<{ err: (Error & { code?: string }) | null; address: unknown }>((resolve) =>
    egressLookup(p, async (h) => answers[h] ?? [])(host, { all }, (err: Error | null, address: unknown) => resolve({ err, address })),
  );

describe('egressLookup: the policy at every connection (DNS rebinding)', () => {
  it('answers as net expects for an allowed host, one address or all', async () => {
    expect(await resolveVia(policy(), 'api.example.com')).toEqual({ err: null, address: '203.0.113.7' });
    expect(await resolveVia(policy(), 'api.example.com', true)).toEqual({ err: null, address: [{ address: '203.0.113.7', family: 4 }] });
  });

  it('refuses a name that now resolves to a metadata or denied address, with code LLMOS_EPERM', async () => {
    const rebound = { 'api.example.com': ['169.254.169.254'] };
    expect((await resolveVia(policy(), 'api.example.com', false, rebound)).err).toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringContaining('169.254.169.254') });
    expect((await resolveVia(policy({ deny: ['10.0.0.0/8'] }), 'lan.example')).err).toMatchObject({ code: 'LLMOS_EPERM' });
    expect((await resolveVia(policy({ allow: ['api.example.com'] }), 'lan.example')).err).toMatchObject({ code: 'LLMOS_EPERM' });
    expect((await resolveVia(policy(), 'metadata.google.internal')).err).toMatchObject({ code: 'LLMOS_EPERM' });
    expect((await resolveVia(policy(), 'nowhere.example')).err).toMatchObject({ code: 'ENOTFOUND' });
  });

  it("model-openai and model-anthropic confine a client-given endpoint's connections: a denied address is never connected to", async () => {
    let connections = 0;
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://localhost:${(server.address() as AddressInfo).port}/v1`; // resolved by the system resolver at connect time
    const o = OpenAIOptions.parse({ base_url: url, probe_on_start: false });
    const open = makeClient(o, createLogger('silent'), 0, {}, policy());
    const denied = makeClient(o, createLogger('silent'), 0, {}, policy({ deny: ['127.0.0.0/8', '::1'] }));
    try {
      const refused = await postJson(denied.direct!, '/chat/completions', {}, new AbortController().signal).catch((e: unknown) => e);
      expect(socketCode(refused)).toBe('LLMOS_EPERM');
      expect(connections).toBe(0);
      await expect(postJson(open.direct!, '/chat/completions', {}, new AbortController().signal)).resolves.toEqual({ ok: true });
      expect(connections).toBe(1);
      // model-anthropic's client for a client-given endpoint, the same way
      const anthropic = makeAnthropicClient(AnthropicOptions.parse({ base_url: url.replace(/\/v1$/, ''), probe_on_start: false }), createLogger('silent'), {}, policy({ deny: ['127.0.0.0/8', '::1'] }));
      const viaAnthropic = await anthropic.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(viaAnthropic).toBeInstanceOf(AnthropicConnectionError);
      expect(socketCode(viaAnthropic)).toBe('LLMOS_EPERM');
      expect(connections).toBe(1);
    } finally {
      await open.close();
      await denied.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('isAllowedKeyEnv', () => {
  it('admits LLMOS_KEY_* and listed names, never other LLMOS_ variables', () => {
    const listed = ['OPENAI_API_KEY', 'LLMOS_AUTH_TOKENS'];
    expect(['LLMOS_KEY_A', 'OPENAI_API_KEY'].map((n) => isAllowedKeyEnv(n, listed))).toEqual([true, true]);
    expect(['LLMOS_KEY_', 'LLMOS_AUTH_TOKENS', 'LLMOS_AUTH_TOKEN', 'LLMOS_ADMINS', 'HOME', 'AWS_SECRET_ACCESS_KEY'].map((n) => isAllowedKeyEnv(n, listed))).toEqual([false, false, false, false, false, false]);
  });
});

describe("client-given names resolve off libuv's thread pool (the in-process model's decodes use its one thread)", () => {
  it('resolves localhost and settles a DNS name while the only pool thread is blocked', () => {
    const dir = tempDir('llmos-egress-pool-');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const api = pathToFileURL(join(dirname(requireBuild()), 'plugin-api', 'index.js')).href;
    // The child blocks its one pool thread on a FIFO nobody writes, checks two endpoints, and
    // kills itself (a normal exit would wait to join the blocked thread).
    const script = `
      import { open } from 'node:fs/promises';
      import { writeSync } from 'node:fs';
      import { checkEgress, EgressPolicy } from ${JSON.stringify(api)};
      void open(${JSON.stringify(fifo)}, 'r');
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      await checkEgress('http://localhost:8080/v1', EgressPolicy.parse({}), 'm');
      const dns = await checkEgress('http://nowhere.invalid/v1', EgressPolicy.parse({}), 'm').then(() => 'resolved', (e) => e.code);
      writeSync(1, JSON.stringify({ dns, ms: Date.now() - t0 }) + '\\n');
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, UV_THREADPOOL_SIZE: '1' }, timeout: 30_000, encoding: 'utf8' });
    expect(child.stdout, child.stderr).toMatch(/^\{/);
    const r = JSON.parse(child.stdout.trim()) as { dns: string; ms: number };
    expect(r.dns).toBe('LLMOS_EUNAVAILABLE'); // .invalid never resolves (RFC 6761), answered like any unreachable endpoint
    expect(r.ms).toBeLessThan(10_000); // within the resolver's bound, not stuck behind the pool
  });
});
