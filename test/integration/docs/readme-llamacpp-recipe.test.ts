import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort, ROOT, startHttpCli, stopChild } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

const MARKER = '<!-- recipe:llamacpp';

/** The README's llama.cpp recipe: the first ```json block after its marker, as written. */
function recipeBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER} marker before the llama.cpp recipe`);
  const m = /```json\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error('README.md has no ```json block after the llama.cpp recipe marker');
  return m[1];
}

/** The default llmos.plugins.json, as a user edits it, with the recipe's entry in model-openai's models; module paths made absolute so it may live in a temp folder. */
function configWithRecipe(entry: unknown): string {
  const config = JSON.parse(readFileSync(join(ROOT, 'llmos.plugins.json'), 'utf8'));
  delete config.$schema;
  for (const p of config.plugins) {
    if (!isAbsolute(p.module)) p.module = join(ROOT, p.module);
    if (p.name === 'model-openai') p.options = { ...p.options, models: [entry] };
  }
  const file = join(tempDir(), 'llmos.plugins.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The README's llama.cpp server recipe, run as written against llama.cpp's real server (xllamacpp); only the port differs. */
describe('README recipe: llama.cpp server', () => {
  let child: ChildProcess | undefined;
  afterAll(() => stopChild(child));

  it('serves a chat completion through LLMOS on the model the recipe registers', async () => {
    const upstreamPort = new URL(inject('llamaBaseURL')).port;
    const block = recipeBlock();
    expect(block).toContain('127.0.0.1:8080/v1');
    const entry = JSON.parse(block.replace('127.0.0.1:8080/', `127.0.0.1:${upstreamPort}/`)) as { id: string };
    const port = await freePort();
    const started = await startHttpCli(configWithRecipe(entry), port, { LLMOS_DATA_DIR: tempDir(), LLMOS_LOG_LEVEL: 'warn' }, 120_000);
    child = started.child;
    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: entry.id, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 16, temperature: 0 }),
      signal: AbortSignal.timeout(120_000),
    });
    const body = (await res.json()) as { model: string; choices: Array<{ message: { content: string } }>; usage: { completion_tokens: number } };
    expect(res.status, JSON.stringify(body) + started.stderr()).toBe(200);
    expect(body.model).toBe(entry.id);
    expect(body.choices[0].message.content.trim().length).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  }, 300_000);
});
