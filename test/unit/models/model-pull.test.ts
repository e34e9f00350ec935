import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHint, MODEL_SOURCE, modelPullCommand, pullModel } from '../../../src/cli/model-pull.js';

describe('llmos model pull', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'llmos-pull-test-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('does nothing when the GGUF is already there (no pip run, file untouched)', async () => {
    const dest = tmp();
    const file = join(dest, MODEL_SOURCE.file);
    writeFileSync(file, 'gguf');
    const before = statSync(file).mtimeMs;
    const r = await pullModel({ dest, python: '/nonexistent/python' });
    expect(r).toEqual({ path: file, downloaded: false });
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('fails with a message naming the install step when pip is missing', async () => {
    const dest = join(tmp(), 'models');
    await expect(pullModel({ dest, python: '/nonexistent/python' })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/pip is missing.*apt-get install python3-pip/) });
  });

  it('is a commander command "pull" with --dest', () => {
    const c = modelPullCommand();
    expect(c.name()).toBe('pull');
    expect(c.options.map((o) => o.long)).toContain('--dest');
  });

  it('says how serve finds a GGUF pulled with --dest outside the folders model-llamacpp looks in, and nothing for those folders', () => {
    const cache = tmp();
    const data = tmp();
    const elsewhere = join(tmp(), MODEL_SOURCE.file);
    const env = { LLMOS_CACHE_DIR: cache, LLMOS_DATA_DIR: data };
    expect(loadHint(join(cache, 'models', MODEL_SOURCE.file), env)).toBeUndefined();
    expect(loadHint(join(data, 'models', MODEL_SOURCE.file), env)).toBeUndefined();
    expect(loadHint(elsewhere, env)).toBe(`serve does not look there by default; export LLMOS_MODEL_PATH=${elsewhere} (or set model-llamacpp's options.model_path) so it loads this file`);
    expect(loadHint(elsewhere, { ...env, LLMOS_MODEL_PATH: elsewhere })).toBeUndefined();
    expect(loadHint(join(cache, 'models', MODEL_SOURCE.file), { ...env, LLMOS_MODEL_PATH: elsewhere })).toMatch(/LLMOS_MODEL_PATH=/); // the variable wins over the cache
  });
});
