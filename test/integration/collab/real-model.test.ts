import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { bootPlugins, type Booted } from '../../unit/models/harness.js';

const MODEL = 'smollm2-135m';
const noProgress = { owner: 'tester', signal: new AbortController().signal, progress: () => undefined };

/**
 * collab_* on the REAL SmolLM2-135M-Instruct GGUF (model-llamacpp, in-process),
 * with the collab plugin loaded from llmos.plugins.json-style config by the
 * real loader. Asserts structure and properties, never wording.
 */
describe('collab with the real local model', () => {
  let os: Booted;
  beforeAll(async () => {
    os = await bootPlugins({ 'model-llamacpp': { model_path: inject('modelPath'), threads: 2, concurrency: 1 }, collab: {} }, { callTimeoutMs: 120_000 });
  });
  afterAll(async () => os?.stop());
  const sys = (name: string, args: Record<string, unknown>) => os.kernel.syscalls.dispatch(name, args, noProgress) as Promise<Record<string, any>>;

  it('a self-consistency ensemble at temperature 0 agrees with itself and rolls its usage up', async () => {
    const out = await sys('collab_ensemble', { prompt: 'What is 2 + 3? Reply with the number only.', k: 3, temperature: 0, seed: 1, max_tokens: 16 });
    expect(out.exit, JSON.stringify(out.error)).toBe('ok');
    expect(out.collab.members).toEqual([MODEL, MODEL, MODEL]); // one model: the ranking repeats
    expect(out.collab.children.map((c: any) => [c.role, c.model, c.exit])).toEqual(Array(3).fill(['member', MODEL, 'ok']));
    const answers = out.collab.children.map((c: any) => c.answer);
    expect(answers[0].trim().length).toBeGreaterThan(0);
    expect(new Set(answers).size).toBe(1); // greedy decoding: the same answer three times
    expect(out.collab.fusion).toMatchObject({ method: 'vote', agreement: 1 });
    expect(out.result.text).toBe(answers[0]);
    const completion = out.collab.children.reduce((s: number, c: any) => s + c.usage.completion_tokens, 0);
    expect(out.usage.completion_tokens).toBe(completion);
    expect(completion).toBeGreaterThan(0);
    expect(completion).toBeLessThanOrEqual(3 * 16);
  });

  it('judge-select on real answers names a member or falls back to the vote, and the judge is a child too', async () => {
    const out = await sys('collab_ensemble', { prompt: 'Name a colour of the sky.', models: [MODEL, MODEL], temperature: 0.8, seed: 7, max_tokens: 16, fusion: 'judge' });
    expect(out.exit, JSON.stringify(out.error)).toBe('ok');
    expect(out.collab.children.map((c: any) => c.role)).toEqual(['member', 'member', 'judge']);
    const members = out.collab.children.filter((c: any) => c.role === 'member');
    expect(members.map((m: any) => m.answer)).toContain(out.result.text);
    if (out.collab.fusion.method === 'judge') expect([0, 1]).toContain(out.collab.fusion.chosen_index);
    else expect(out.collab.fusion).toMatchObject({ method: 'vote', fallback_from: 'judge' });
    expect(out.children).toHaveLength(3);
  });

  it('a two-step chain with one critique round feeds each output into the next prompt', async () => {
    const out = await sys('collab_chain', {
      input: 'the moon',
      steps: [{ template: 'Write one short sentence about {{input}}.' }, { template: 'Make this sentence shorter: {{prev}}' }],
      loop: { max_rounds: 1, stop: { contains: 'APPROVED' } },
      temperature: 0,
      max_tokens: 16,
    });
    expect(out.exit, JSON.stringify(out.error)).toBe('ok');
    const roles = out.collab.children.map((c: any) => c.role);
    expect(roles.slice(0, 3)).toEqual(['step', 'step', 'critic']);
    expect(roles.length === 3 ? out.collab.loop.stop_reason === 'approved' : roles[3] === 'refiner').toBe(true);
    const step0 = os.kernel.procs.must(out.children[0]);
    const step1 = os.kernel.procs.must(out.children[1]);
    expect(step1.task.prompt).toContain(step0.result!.text);
    expect(out.result.text.trim().length).toBeGreaterThan(0);
    for (const c of out.collab.children) expect(c.usage.completion_tokens).toBeLessThanOrEqual(16);
  });
});
