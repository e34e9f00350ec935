import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicOptions, makeClient } from '../../../plugins/model-anthropic/connection.js';
import { upstreamError } from '../../../plugins/model-anthropic/errors.js';
import { createLogger } from '../../../src/kernel/log.js';

/**
 * An endpoint a client registered (a confined connection) cannot make the
 * server hold more of one answer than options.max_response_bytes: the
 * Messages call fails with a coded, not-retryable error once it passes.
 */
describe('model-anthropic: the answer of a client-registered endpoint is bounded', () => {
  let server: Server;
  let baseURL: string;
  beforeAll(async () => {
    // A Messages endpoint whose answer is 1 MiB of text.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'x'.repeat(1024 * 1024) }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const ask = (maxBytes: number) => {
    const o = AnthropicOptions.parse({ base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', max_response_bytes: maxBytes });
    const client = makeClient(o, createLogger('silent'), {}, { allow: [], deny: [] });
    return client.messages.create({ model: 'm', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
  };

  it('fails past the bound with LLMOS_EUPSTREAM naming the option, not retryable', async () => {
    const e = upstreamError('probe', await ask(64 * 1024).then(() => undefined, (err: unknown) => err));
    expect(e).toMatchObject({ code: 'LLMOS_EUPSTREAM', data: { retryable: false, detail: 'response_too_large' } });
    expect(e.message).toMatch(/larger than model-anthropic's options\.max_response_bytes/);
  });

  it('answers within it', async () => {
    const r = await ask(2 * 1024 * 1024);
    expect(r.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^x{1048576}$/) });
  });
});
