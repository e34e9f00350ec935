import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runInit } from '../../../src/cli/init.js';
import { freePort, startHttpCli, stopChild } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

/**
 * `llmos init` finding a real local server: llama.cpp's (xllamacpp) stands in
 * for Ollama at OLLAMA_HOST, answering the OpenAI-compatible /v1/models that
 * Ollama answers too. The written config then serves a task through it.
 */
describe('llmos init against a real local OpenAI-compatible server', () => {
  let child: ChildProcess | undefined;
  afterAll(() => stopChild(child));

  it('registers the models the server lists, and the config it writes completes a task on one', async () => {
    const origin = new URL(inject('llamaBaseURL')).origin;
    const listed = ((await (await fetch(`${origin}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
    const dir = tempDir();
    const { file, detected } = await runInit({ config: join(dir, 'llmos.plugins.json'), probeTimeoutMs: 5_000 }, { OLLAMA_HOST: origin });
    expect(detected.ollama?.origin).toBe(origin);
    expect(detected.ollama?.models.length).toBeGreaterThan(0);
    for (const m of detected.ollama!.models) expect(listed.some((id) => id === m || id.endsWith(m) || m.endsWith(id))).toBe(true);
    const openai = JSON.parse(readFileSync(file, 'utf8')).plugins.find((p: { name: string }) => p.name === 'model-openai');
    const entry = openai.options.models[0] as { id: string; base_url: string; api_key_env?: string };
    expect(entry.base_url).toBe(`${origin}/v1`);
    expect(entry.api_key_env).toBeUndefined(); // no key goes to a local server

    const port = await freePort();
    const started = await startHttpCli(file, port, { LLMOS_DATA_DIR: join(dir, 'data'), LLMOS_LOG_LEVEL: 'warn' }, 120_000);
    child = started.child;
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: entry.id, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 16, temperature: 0 }),
      signal: AbortSignal.timeout(120_000),
    });
    const body = (await res.json()) as { model: string; choices: Array<{ message: { content: string } }> };
    expect(res.status, JSON.stringify(body) + started.stderr()).toBe(200);
    expect(body.model).toBe(entry.id);
    expect(body.choices[0].message.content.trim().length).toBeGreaterThan(0);
  }, 300_000);
});
