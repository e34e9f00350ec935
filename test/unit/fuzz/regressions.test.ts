import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../../src/mcp/http.js';
import { callError, connect } from '../../helpers/kernel.js';
import { fuzzKernel } from './fuzz-kernel.js';

const TOKEN = 'fuzz-regression-token';

/** Inputs the fuzzers found that broke the contract (seeds 165910247 and 1 of the MCP and /v1 suites), kept as plain cases. */
describe('fuzz regressions', () => {
  let booted: Awaited<ReturnType<typeof fuzzKernel>>;
  let mcp: Awaited<ReturnType<typeof connect>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  const post = (body: unknown) =>
    fetch(`${http.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    booted = await fuzzKernel();
    mcp = await connect(booted.kernel, 'fuzz');
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, token: TOKEN });
  });
  afterAll(async () => {
    await http?.close();
    await mcp?.close();
    await booted?.stop();
  });

  it('proc_spawn with a tool_choice but no tools is LLMOS_EINVAL naming tool_choice, not an internal error', async () => {
    const { code, message } = await callError(mcp.client, 'proc_spawn', { prompt: '', tool_choice: { type: 'tool', name: ' ' }, max_tokens: 4, timeout_ms: 1000 });
    expect(code).toBe('LLMOS_EINVAL');
    expect(message).toMatch(/tool_choice: tool_choice needs tools/);
    expect(message).not.toMatch(/"code"|"path"/);
  });

  it.each([
    { arrival_rate: 8.1026174578037085e208, service_rate: 9.4e-323, servers: 7 }, // λ/μ overflows
    { arrival_rate: 3.5e-323, service_rate: 3.5e-323, servers: 5, target_wait: 3.5e-323 }, // 1/μ overflows
  ])('capacity_plan with rates whose figures overflow a double is LLMOS_EINVAL naming the rates: %j', async (args) => {
    const { code, message } = await callError(mcp.client, 'capacity_plan', args);
    expect(code).toBe('LLMOS_EINVAL');
    expect(message).toMatch(/arrival_rate .* and service_rate .* are out of range.*another time unit/);
  });

  it('a tool input with 50,000 wrong items is LLMOS_EINVAL whose message lists 10 issues and counts the rest', async () => {
    const { code, message } = await callError(mcp.client, 'model_compare', { models: new Array(50_000).fill(0) });
    expect(code).toBe('LLMOS_EINVAL');
    expect(message.length).toBeLessThan(2_000);
    expect(message).toMatch(/and \d+ more issues/);
  });

  it('/v1 messages of 50,000 numbers answer 400 with a short message, not a megabyte of issues', async () => {
    const res = await post({ model: 'auto', messages: new Array(50_000).fill(0) });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('LLMOS_EINVAL');
    expect(error.message).toMatch(/^invalid chat.completions request: messages.0: .*; and 49990 more issues/);
    expect(error.message.length).toBeLessThan(2_000);
  });

  it('/v1 max_tokens 1e12 answers 400 naming max_tokens, not 500 with a schema dump', async () => {
    for (const field of ['max_tokens', 'max_completion_tokens']) {
      const res = await post({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], [field]: 1e12 });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string; type: string } };
      expect(error).toMatchObject({ code: 'LLMOS_EINVAL', type: 'invalid_request_error' });
      expect(error.message).toMatch(/max_tokens/);
      expect(error.message).not.toMatch(/"code"|"path"|\$schema/);
    }
  });
});
