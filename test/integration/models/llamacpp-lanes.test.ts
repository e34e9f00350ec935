import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { LlamaCppBackend } from '../../../plugins/model-llamacpp/backend.js';
import { bootPlugins, type Booted } from '../../unit/models/harness.js';

/**
 * A call that takes a lane holding another prompt must trim that lane's
 * tokens, which needs node-llama-cpp's context lock. Unpatched, the context's
 * batch loop keeps that lock for as long as any sequence has a decode queued,
 * so with two or more calls generating the call waited until every other
 * call had finished (issue 17's four-caller waves; one generating call
 * leaves the queue empty between its tokens). `.patches/node-llama-cpp+3.21.1.patch` makes the loop
 * give the lock up between batches; this test fails without it.
 */
describe('model-llamacpp lanes with the real SmolLM2 GGUF', () => {
  let os: Booted;
  beforeAll(async () => {
    os = await bootPlugins({ 'model-llamacpp': { model_path: inject('modelPath'), threads: 2, concurrency: 3 } }, { callTimeoutMs: 300_000 });
    await (os.kernel.models.must('smollm2-135m').backend as LlamaCppBackend).start();
  });
  afterAll(async () => os?.stop());

  const spawn = (prompt: string, max_tokens: number) => os.kernel.spawn({ prompt, temperature: 0, max_tokens }, 'alice');
  const exitOf = async (pid: number) => {
    const p = await os.kernel.procs.wait(pid, 300_000);
    expect(p.exit, JSON.stringify(p.error)).toBe('ok');
    return performance.now();
  };

  it('a call trimming a used lane starts while two others are still generating', async () => {
    // All three lanes hold a prompt.
    await Promise.all([spawn('Name a colour.', 4), spawn('Name a fruit.', 4), spawn('Name a tree.', 4)].map((p) => exitOf(p.pid)));
    const tokens = new Map<number, number>();
    const count = (p: { pid: number }) => void tokens.set(p.pid, (tokens.get(p.pid) ?? 0) + 1);
    os.kernel.procs.on('token', count); // someone follows the tokens: the calls stream
    try {
      const long = [spawn('Write a long story about a lighthouse keeper and the sea, with many details.', 256), spawn('Write a long story about a baker in a small village, with many details.', 256)];
      const longDone = long.map((p) => exitOf(p.pid));
      for (const p of long) await expect.poll(() => tokens.get(p.pid) ?? 0, { timeout: 120_000, interval: 20 }).toBeGreaterThan(4);
      const short = spawn('Say hello.', 4); // its lane holds "Name a …": trimmed first
      const shortDone = await exitOf(short.pid);
      const longTokensThen = long.map((p) => tokens.get(p.pid) ?? 0);
      const longEnds = await Promise.all(longDone);
      expect(shortDone).toBeLessThan(Math.min(...longEnds));
      for (const [i, p] of long.entries()) expect(longTokensThen[i]).toBeLessThan((await os.kernel.procs.wait(p.pid, 1000)).usage.completion_tokens);
    } finally {
      os.kernel.procs.off('token', count);
    }
  }, 300_000); // as its waits: two 256-token stories on a loaded 2-core machine outlast the default minute
});
