import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootPlugins, run, type Booted } from './harness.js';

/** An upstream that records request bodies: /embeddings answers [len, index], chat answers with logprobs. */
function upstream(seen: Array<Record<string, unknown>>): Server {
  return createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { input?: string[] };
      seen.push(body);
      const json = (x: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(x));
      if (req.url?.endsWith('/embeddings'))
        return json({ object: 'list', data: (body.input ?? []).map((t, index) => ({ object: 'embedding', index, embedding: [t.length, index] })).reverse(), usage: { prompt_tokens: 3, total_tokens: 3 } });
      json({
        id: 'x', object: 'chat.completion', created: 0, model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop', logprobs: { content: [{ token: 'hi', logprob: -0.1, bytes: [104, 105], top_logprobs: [] }] } }],
        usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
      });
    });
  });
}

describe('model-openai passes embeddings, logprobs and penalties through', () => {
  const seen: Array<Record<string, unknown>> = [];
  const server = upstream(seen);
  let booted: Booted;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    booted = await bootPlugins({ 'model-openai': { base_url: url, api_key_env: 'LLMOS_TEST_NO_KEY', models: [{ id: 'up', logprobs: true, embeddings: true }] } });
  });
  afterAll(async () => {
    await booted.stop();
    server.close();
  });

  it('embeds through POST /embeddings, vectors in input order, usage from upstream', async () => {
    const p = await run(booted.kernel, { embed: ['a', 'bcd'], model: 'up', max_tokens: 1 });
    expect(p.exit).toBe('ok');
    expect(p.result?.embeddings).toEqual([[1, 0], [3, 1]]);
    expect(p.usage.prompt_tokens).toBe(3);
    expect(seen.at(-1)).toMatchObject({ model: 'up', input: ['a', 'bcd'] });
  });

  it('forwards logprobs, top_logprobs and penalties, and returns the logprobs', async () => {
    const p = await run(booted.kernel, { prompt: 'x', model: 'up', logprobs: true, top_logprobs: 1, presence_penalty: 1, frequency_penalty: 0.5, stop: ['Z'] });
    expect(p.exit).toBe('ok');
    expect(p.result?.logprobs?.content?.[0]).toMatchObject({ token: 'hi', logprob: -0.1 });
    expect(seen.at(-1)).toMatchObject({ logprobs: true, top_logprobs: 1, presence_penalty: 1, frequency_penalty: 0.5, stop: ['Z'] });
  });
});
