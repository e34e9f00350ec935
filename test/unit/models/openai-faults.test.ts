import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../../fault-server.js';
import { bootOpenAI, bootPlugins, run, type Booted } from './harness.js';

/**
 * Upstream faults injected through a scripted HTTP server, observed through
 * the REAL kernel executor: model-openai maps each fault to an LlmosError and
 * the kernel retries, times out, falls back and cools down.
 */
describe('model-openai under injected faults (real kernel executor)', () => {
  let srv: FaultServer;
  let os: Booted | undefined;
  beforeEach(async () => {
    srv = await startFaultServer();
  });
  afterEach(async () => {
    await os?.stop();
    os = undefined;
    await srv.close();
  });
  const calls = () => srv.requests.filter((r) => r.body.messages);

  it('retries a 429 no sooner than its Retry-After, recording both attempts', async () => {
    srv.script('m', { kind: '429', retryAfterS: 1 });
    os = await bootOpenAI(srv.baseURL, ['m']);
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('ok');
    expect(p.result?.text).toBe('bonjour from the fault server');
    expect(p.attempts).toHaveLength(2);
    expect(p.attempts[0].error?.code).toBe('LLMOS_EUPSTREAM');
    expect(p.attempts[0].error?.message).toMatch(/429/);
    expect(p.attempts[1].started - p.attempts[0].finished!).toBeGreaterThanOrEqual(950);
    // maxRetries: 0 — the openai package never retried on its own: one HTTP request per attempt.
    expect(calls().map((r) => r.fault)).toEqual(['429', 'ok']);
  });

  it('retries a 500 and streams usage from the server', async () => {
    srv.script('m', { kind: '500' });
    os = await bootOpenAI(srv.baseURL, ['m']);
    const tokens: string[] = [];
    os.kernel.procs.on('token', (_p, t) => void tokens.push(t)); // someone listens: the call streams
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('ok');
    expect(p.attempts.map((a) => a.error?.code ?? 'ok')).toEqual(['LLMOS_EUPSTREAM', 'ok']);
    expect(p.usage.prompt_tokens).toBe(7);
    expect(p.usage.completion_tokens).toBe(5);
    expect(tokens.length).toBeGreaterThan(0);
    expect(calls()[1].body).toMatchObject({ model: 'm', stream: true, stream_options: { include_usage: true }, max_tokens: 16 });
  });

  it('asks for one JSON answer when nobody follows the tokens', async () => {
    os = await bootOpenAI(srv.baseURL, ['m']);
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('ok');
    expect(p.usage.completion_tokens).toBeGreaterThan(0);
    expect(calls()[0].body).toMatchObject({ model: 'm', stream: false, max_tokens: 16 });
  });

  it('times out a hanging call, aborts the HTTP request, then retries', async () => {
    srv.script('m', { kind: 'hang' });
    os = await bootOpenAI(srv.baseURL, ['m'], { callTimeoutMs: 300 });
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('ok');
    expect(p.attempts[0].error?.code).toBe('LLMOS_ETIMEDOUT');
    expect(p.attempts[0].finished! - p.attempts[0].started).toBeGreaterThanOrEqual(290);
    await expect.poll(() => calls()[0].clientAborted).toBe(true);
  });

  it('retries malformed JSON in the stream', async () => {
    srv.script('m', { kind: 'malformed' });
    os = await bootOpenAI(srv.baseURL, ['m']);
    os.kernel.procs.on('token', () => undefined); // someone listens: the call streams
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('ok');
    expect(p.attempts[0].error).toMatchObject({ code: 'LLMOS_EUPSTREAM', message: expect.stringMatching(/malformed JSON/) });
    expect(p.attempts).toHaveLength(2);
  });

  it('retries a connection reset before any answer as a failed attempt', async () => {
    srv.script('m', { kind: 'reset' });
    os = await bootOpenAI(srv.baseURL, ['m']);
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('ok');
    expect(calls().filter((c) => c.body).map((r) => r.fault)).toEqual(['reset', 'ok']);
    expect(p.attempts[0].error).toMatchObject({ code: 'LLMOS_EUPSTREAM', message: expect.stringMatching(/reach|failed|terminated|ECONNRESET|UND_ERR_SOCKET/i) });
    expect(p.attempts).toHaveLength(2);
  });

  it('does not retry a 400 on the same model', async () => {
    srv.script('m', { kind: '400' });
    os = await bootOpenAI(srv.baseURL, ['m']);
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('failed');
    expect(p.error?.code).toBe('LLMOS_EUPSTREAM');
    expect(p.error?.message).toMatch(/400.*retry will not help/);
    expect(p.attempts).toHaveLength(1);
    expect(calls()).toHaveLength(1);
  });

  describe('an answer larger than max_response_bytes', () => {
    const bootBounded = () =>
      bootPlugins({ 'model-openai': { base_url: srv.baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', max_response_bytes: 64 * 1024, models: [{ id: 'm', context_window: 4096, max_output_tokens: 256, concurrency: 2 }] } });
    const expectCutOff = (p: Awaited<ReturnType<typeof run>>) => {
      expect(p.exit).toBe('failed');
      expect(p.error).toMatchObject({ code: 'LLMOS_EUPSTREAM', data: { retryable: false, detail: 'response_too_large' } });
      expect(p.error?.message).toMatch(/larger than model-openai's options\.max_response_bytes/);
      expect(p.attempts).toHaveLength(1); // the same request would get the same answer
      expect(calls()).toHaveLength(1);
    };

    it('fails an unstreamed call, not retried, and the next call is answered', async () => {
      srv.script('m', { kind: 'flood', bytes: 1024 * 1024 });
      os = await bootBounded();
      expectCutOff(await run(os.kernel, { prompt: 'hello' }));
      expect((await run(os.kernel, { prompt: 'hello again' })).result?.text).toBe('bonjour from the fault server');
    });

    it('fails a stream once the events streamed so far pass it', async () => {
      srv.script('m', { kind: 'flood', bytes: 1024 * 1024 });
      os = await bootBounded();
      const tokens: string[] = [];
      os.kernel.procs.on('token', (_p, t) => void tokens.push(t)); // someone listens: the call streams
      expectCutOff(await run(os.kernel, { prompt: 'hello' }));
      expect(tokens.length).toBeGreaterThan(0); // what came within the bound was streamed
      expect(tokens.join('').length).toBeLessThan(64 * 1024);
    });
  });

  it('falls back to the next model when one keeps failing', async () => {
    srv.script('a', { kind: '500' }, { kind: '500' }, { kind: '500' });
    srv.script('b', { kind: 'ok', text: 'from b' });
    os = await bootOpenAI(srv.baseURL, ['a', 'b'], { retries: 2 });
    const p = await run(os.kernel, { prompt: 'hello' });
    expect(p.exit).toBe('ok');
    expect(p.result?.text).toBe('from b');
    expect(p.attempts.map((a) => a.model)).toEqual(['a', 'a', 'a', 'b']);
    expect(p.model).toBe('b');
  });

  it('opens a cooldown after N failures and closes it after the cooldown period', async () => {
    srv.script('a', { kind: '500' }, { kind: '500' });
    os = await bootOpenAI(srv.baseURL, ['a', 'b'], { retries: 1 }, { failures: 2, windowMs: 10_000, cooldownMs: 400 });
    const k = os.kernel;
    const p1 = await run(k, { prompt: 'one' });
    expect(p1.attempts.map((a) => a.model)).toEqual(['a', 'a', 'b']);
    expect(k.models.get('a')?.status).toBe('cooldown');
    const p2 = await run(k, { prompt: 'two' });
    expect(p2.attempts.map((a) => a.model)).toEqual(['b']); // 'a' is skipped while open
    await new Promise((r) => setTimeout(r, 450));
    const p3 = await run(k, { prompt: 'three' });
    expect(p3.attempts.map((a) => a.model)).toEqual(['a']);
    expect(p3.exit).toBe('ok');
    expect(k.models.get('a')?.status).toBe('ready');
  });

  it('proc kill aborts the in-flight HTTP request', async () => {
    srv.script('m', { kind: 'hang' });
    os = await bootOpenAI(srv.baseURL, ['m'], { callTimeoutMs: 60_000 });
    const p = os.kernel.spawn({ prompt: 'hello', max_tokens: 16 } as never, 'tester');
    await expect.poll(() => calls().length).toBe(1);
    os.kernel.kill(p.pid);
    const done = await os.kernel.procs.wait(p.pid, 5_000);
    expect(done.exit).toBe('killed');
    await expect.poll(() => calls()[0].clientAborted).toBe(true);
    expect(calls()).toHaveLength(1);
  });
});
