import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { openAiEncodingOf, openAiPromptTokens, PromptCounter, upperEstimate } from '../../../plugins/model-openai/prompt-count.js';
import { estimatePromptTokens, estimateTokens, type PromptParts } from '../../../src/plugin-api/index.js';

const CJK = '早上好，今天天气很好。'; // 11 code points
const prompt: PromptParts = { messages: [{ role: 'user', content: `Translate: ${CJK}` }] };

describe('token estimates for backends without a tokenizer', () => {
  it('count a CJK character as at least one token (4 characters a token counts a quarter)', () => {
    expect(estimateTokens(CJK)).toBeGreaterThanOrEqual(11);
    expect(estimateTokens('早上好')).toBe(3);
    expect(estimateTokens('good morning')).toBe(3);
  });

  it("model-openai's upper estimate covers 2 tokens per CJK character and a template's hidden system prompt", () => {
    const kernel = estimatePromptTokens(prompt);
    expect(upperEstimate(prompt)).toBeGreaterThanOrEqual(2 * 11 + Math.ceil('Translate: '.length / 3) + 8 + 64);
    expect(upperEstimate(prompt)).toBeGreaterThan(kernel);
  });
});

describe("model-openai counts OpenAI's own models with their public tokenizer (gpt-tokenizer)", () => {
  it('picks o200k_base or cl100k_base by model id, and none for other models', () => {
    expect(openAiEncodingOf('gpt-4o-mini')).toBe('o200k_base');
    expect(openAiEncodingOf('openai/o3-mini')).toBe('o200k_base');
    expect(openAiEncodingOf('gpt-4-turbo')).toBe('cl100k_base');
    expect(openAiEncodingOf('smollm2-135m')).toBeUndefined();
    expect(openAiEncodingOf('llama-3.1-8b')).toBeUndefined();
  });

  it("counts text exactly (tiktoken's o200k: 'hello world' is 2 tokens) plus OpenAI's 3 per message and 3 per reply", async () => {
    const one = await openAiPromptTokens('o200k_base', { messages: [{ role: 'user', content: 'hello world' }] });
    expect(one).toBe(2 + 3 + 3);
    // CJK costs what the tokenizer says, not a quarter per character.
    expect(await openAiPromptTokens('o200k_base', prompt)).toBeGreaterThan(Math.ceil(`Translate: ${CJK}`.length / 4) + 6);
  });

  it('counts tool schemas as their JSON, so a prompt with tools never counts less than without', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    const bare = await openAiPromptTokens('o200k_base', prompt);
    expect(await openAiPromptTokens('o200k_base', { ...prompt, tools } as PromptParts)).toBeGreaterThan(bare + 16);
  });
});

describe("model-openai counts prompts on a server that renders and tokenizes (llama.cpp's /apply-template, /tokenize)", () => {
  const servers: http.Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  /** A loopback server answering `routes` (path → answer to the JSON body); others 404. Records every request. */
  async function serve(routes: Record<string, (body: Record<string, unknown>) => unknown>) {
    const seen: Array<{ path: string; body: Record<string, unknown> }> = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}');
        seen.push({ path: req.url!, body });
        const route = routes[req.url!] as ((body: Record<string, unknown>) => unknown) | undefined;
        res.writeHead(route ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(route ? route(body) : { error: 'not found' }));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'none', maxRetries: 0 });
    return { seen, counter: new PromptCounter(client, 'm', 5_000) };
  }

  it('counts exactly: the template the server renders, tokenized with special tokens', async () => {
    const { seen, counter } = await serve({
      '/apply-template': (b) => ({ prompt: `<sys>hidden</sys>${JSON.stringify(b.messages)}${b.tools ? 'TOOLS' : ''}` }),
      '/tokenize': (b) => ({ tokens: [...String(b.content)].map((_, i) => i) }),
    });
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const n = await counter.count({ ...prompt, tools });
    expect(n).toBe(`<sys>hidden</sys>${JSON.stringify([{ role: 'user', content: `Translate: ${CJK}` }])}TOOLS`.length);
    expect(seen.map((s) => s.path)).toEqual(['/apply-template', '/tokenize']);
    expect(seen[1].body).toMatchObject({ add_special: true, parse_special: true });
  });

  it('falls back to the upper estimate on a server without those endpoints, and stops asking it', async () => {
    const { seen, counter } = await serve({});
    expect(await counter.count(prompt)).toBe(upperEstimate(prompt));
    expect(await counter.count(prompt)).toBe(upperEstimate(prompt));
    expect(seen.length).toBe(1);
  });
});
