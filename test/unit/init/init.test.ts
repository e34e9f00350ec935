import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import { runInit } from '../../../src/cli/init.js';
import { CLOUD_PROVIDERS } from '../../../src/cli/init/providers.js';
import { ollamaOrigin } from '../../../src/cli/init/ollama.js';
import { lookupPrice, PRICE_TABLE_SOURCE } from '../../../src/plugin-api/index.js';
import { quietLogger, tempDir } from '../../helpers/kernel.js';

const KEYS = { OPENAI_API_KEY: 'sk-openai-secret-1', ANTHROPIC_API_KEY: 'sk-ant-secret-2', OPENROUTER_API_KEY: 'sk-or-secret-3' };
/** A loopback port nothing listens on: Ollama is absent. */
const CLOSED = 'http://127.0.0.1:9';

describe('llmos init', () => {
  const saved = { ...process.env };
  let hanging: Server | undefined;
  const held: Socket[] = [];
  afterEach(async () => {
    process.env = { ...saved };
    held.splice(0).forEach((s) => s.destroy());
    await new Promise<void>((r) => (hanging ? hanging.close(() => r()) : r()));
    hanging = undefined;
  });

  it('registers every provider whose key is set, by variable name only, and the config boots with their models at table prices', async () => {
    const dir = tempDir();
    const env = { ...KEYS, OLLAMA_HOST: CLOSED };
    const { file, lines } = await runInit({ config: join(dir, 'llmos.plugins.json'), probeTimeoutMs: 500 }, env);
    const text = readFileSync(file, 'utf8');
    for (const secret of Object.values(KEYS)) expect(text).not.toContain(secret);
    expect(lines.join('\n')).not.toMatch(/secret/);
    const config = JSON.parse(text);
    expect(config).toMatchObject({ scheduler: 'fcfs', allocator: 'bandit' });
    Object.assign(process.env, KEYS); // what the operator's shell holds when serving
    const { kernel, stop } = await boot({ config: file, start: false, dataDir: join(dir, 'data'), logger: quietLogger() });
    try {
      expect(kernel.schedulers.activeName()).toBe('fcfs');
      expect(kernel.allocators.activeName()).toBe('bandit');
      const info = (id: string) => kernel.models.get(id)?.backend.info;
      expect(info('openai/gpt-4.1-mini')).toMatchObject({ backend: 'model-openai', pricing: { input_per_1k: lookupPrice('gpt-4.1-mini', 'openai')!.input_per_1k } });
      expect(info('anthropic/claude-haiku-4-5')).toMatchObject({ backend: 'model-anthropic', pricing: { output_per_1k: lookupPrice('claude-haiku-4-5', 'anthropic')!.output_per_1k } });
      expect(info('openrouter/anthropic/claude-haiku-4.5')?.pricing.input_per_1k).toBeGreaterThan(0);
      expect(kernel.models.all().some((m) => m.backend.info.backend === 'model-llamacpp')).toBe(true); // the embedded default stays
    } finally {
      await stop();
    }
  });

  it('refuses to replace an existing file without --force, and replaces it with', async () => {
    const file = join(tempDir(), 'llmos.plugins.json');
    writeFileSync(file, '{"mine": true}');
    await expect(runInit({ config: file, probeTimeoutMs: 200 }, { OLLAMA_HOST: CLOSED })).rejects.toMatchObject({ code: 'LLMOS_EEXIST', message: expect.stringContaining('--force') });
    expect(readFileSync(file, 'utf8')).toBe('{"mine": true}');
    await runInit({ config: file, force: true, probeTimeoutMs: 200 }, { OLLAMA_HOST: CLOSED });
    expect(JSON.parse(readFileSync(file, 'utf8')).plugins.length).toBeGreaterThan(5);
  });

  it('refuses a folder that does not exist, writing nothing', async () => {
    const file = join(tempDir(), 'missing', 'llmos.plugins.json');
    await expect(runInit({ config: file }, {})).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    expect(existsSync(file)).toBe(false);
  });

  it('with nothing found writes the embedded defaults and says what to set', async () => {
    const { file, detected, lines } = await runInit({ config: join(tempDir(), 'c.json'), probeTimeoutMs: 300 }, { OLLAMA_HOST: CLOSED, OPENAI_API_KEY: '  ' });
    expect(detected.cloud).toEqual([]);
    expect(lines.join('\n')).toContain('no provider found');
    const openai = JSON.parse(readFileSync(file, 'utf8')).plugins.find((p: { name: string }) => p.name === 'model-openai');
    expect(openai.options.models).toEqual([]);
  });

  it('gives up on an Ollama that accepts and never answers within the probe timeout (fault injection)', async () => {
    hanging = createServer((s) => void held.push(s)); // accepts, reads, never answers
    await new Promise<void>((r) => hanging!.listen(0, '127.0.0.1', () => r()));
    const port = (hanging.address() as { port: number }).port;
    const t0 = performance.now();
    const { detected } = await runInit({ config: join(tempDir(), 'c.json'), probeTimeoutMs: 400 }, { OLLAMA_HOST: `127.0.0.1:${port}` });
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(detected.ollama).toBeUndefined();
    expect(detected.ollama_note).toContain(`127.0.0.1:${port}`);
  });

  it('reads OLLAMA_HOST as Ollama does, and refuses one that is not a host or URL', () => {
    expect(ollamaOrigin({})).toBe('http://127.0.0.1:11434');
    expect(ollamaOrigin({ OLLAMA_HOST: '0.0.0.0' })).toBe('http://127.0.0.1:11434');
    expect(ollamaOrigin({ OLLAMA_HOST: 'gpu-box:8000' })).toBe('http://gpu-box:8000');
    expect(ollamaOrigin({ OLLAMA_HOST: 'https://ollama.example.com' })).toBe('https://ollama.example.com');
    expect(() => ollamaOrigin({ OLLAMA_HOST: 'http://[nope' })).toThrow(expect.objectContaining({ code: 'LLMOS_EINVAL' }));
    expect(() => ollamaOrigin({ OLLAMA_HOST: 'ftp://host' })).toThrow(/not http/);
  });

  it('registers only models the price table lists and does not retire by its date', () => {
    for (const p of CLOUD_PROVIDERS)
      for (const m of p.models) {
        const row = lookupPrice(m, p.name);
        expect(row, `${p.name} ${m}`).toBeDefined();
        expect(row!.input_per_1k, `${p.name} ${m}`).toBeGreaterThan(0);
        if (row!.deprecation_date) expect(row!.deprecation_date > PRICE_TABLE_SOURCE.retrieved, `${m} retires ${row!.deprecation_date}`).toBe(true);
      }
  });
});
