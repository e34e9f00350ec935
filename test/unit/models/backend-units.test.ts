import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toChatHistory } from '../../../plugins/model-llamacpp/backend.js';
import { DEFAULT_MODEL_FILE, resolveModelPath } from '../../../plugins/model-llamacpp/model-path.js';
import { retryAfterMs, upstreamError } from '../../../plugins/model-openai/errors.js';
import { APIConnectionError, APIError } from 'openai';

describe('model-openai error mapping', () => {
  it('reads Retry-After as seconds, as an HTTP date, and retry-after-ms first', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': '3', 'retry-after-ms': '250' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('makes 429/5xx/408 and connection errors retryable, other 4xx not', () => {
    const err = (status: number, h: Record<string, string> = {}) => upstreamError('m', APIError.generate(status, { message: 'x' }, undefined, new Headers(h)));
    expect(err(429, { 'retry-after': '2' }).data).toMatchObject({ retryable: true, status: 429, retry_after_ms: 2000 });
    expect(err(503).data).toMatchObject({ retryable: true, status: 503 });
    expect(err(408).data.retryable).toBe(true);
    for (const s of [400, 401, 403, 404, 422]) expect(err(s).data.retryable).toBe(false);
    expect(upstreamError('m', new APIConnectionError({ message: 'Connection error.', cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })).data).toMatchObject({ retryable: true, detail: 'ECONNRESET' });
    expect(upstreamError('m', new SyntaxError('Unexpected token')).data).toMatchObject({ retryable: true, detail: 'malformed_json' });
    expect(err(500).code).toBe('LLMOS_EUPSTREAM');
  });
});

describe('model-llamacpp helpers', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('finds the GGUF: option, then LLMOS_MODEL_PATH, then the cache, then <dataDir>/models; else names the fix', () => {
    const d = mkdtempSync(join(tmpdir(), 'llmos-gguf-'));
    dirs.push(d);
    const cache = join(d, 'cache');
    const data = join(d, 'data');
    mkdirSync(join(data, 'models'), { recursive: true });
    const env = { LLMOS_CACHE_DIR: cache };
    expect(() => resolveModelPath(undefined, data, env)).toThrow(/llmos model pull/);
    writeFileSync(join(data, 'models', DEFAULT_MODEL_FILE), 'x');
    expect(resolveModelPath(undefined, data, env)).toBe(join(data, 'models', DEFAULT_MODEL_FILE));
    mkdirSync(join(cache, 'models'), { recursive: true });
    writeFileSync(join(cache, 'models', DEFAULT_MODEL_FILE), 'x');
    expect(resolveModelPath(undefined, data, env)).toBe(join(cache, 'models', DEFAULT_MODEL_FILE));
    const own = join(d, 'other.gguf');
    writeFileSync(own, 'x');
    expect(resolveModelPath(undefined, data, { ...env, LLMOS_MODEL_PATH: own })).toBe(own);
    expect(() => resolveModelPath(join(d, 'missing.gguf'), data, { ...env, LLMOS_MODEL_PATH: own })).toThrow(/missing\.gguf/);
  });

  it('maps LLMOS messages to a chat history ending in an empty model turn', () => {
    expect(toChatHistory([{ role: 'system', content: 's' }, { role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'u2' }])).toEqual([
      { type: 'system', text: 's' },
      { type: 'user', text: 'u' },
      { type: 'model', response: ['a'] },
      { type: 'user', text: 'u2' },
      { type: 'model', response: [] },
    ]);
  });
});
