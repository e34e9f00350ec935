import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRouterBench } from '../../../src/route/dataset.js';
import { loadStreams, routeEval, toItems } from '../../../src/route/evaluate.js';
import { ReplayHost } from '../../../src/route/host.js';
import { scoreReplay, warmUp } from '../../../src/route/replay.js';
import type { Allocator } from '../../../src/plugin-api/index.js';
import { MODELS, writeFixture } from './fixture.js';

describe('loadRouterBench', () => {
  it('reads models from the header and skips and counts malformed rows', () => {
    const d = loadRouterBench([writeFixture(20)]);
    expect(d.models).toEqual(MODELS);
    expect(d.rows).toHaveLength(20);
    expect(d.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/empty cell in column "cheap-coder"/), expect.stringMatching(/4 fields, header has/)]);
    expect(d.rows[0].prompt).toBe('Write a python function to compute item 0.');
    expect(d.rows[1].prompt).toContain('\nA) left\nB) right');
  });

  it('names the missing column of a file without the expected columns', () => {
    const f = writeFixture(4, false);
    const noCost = f.replace('synthetic', 'nocost');
    writeFileSync(noCost, 'prompt,eval_name,m1\n"[\'hi\']",x,1.0\n');
    expect(() => loadRouterBench([noCost])).toThrow(/no column "m1\|total_cost"/);
    const noPrompt = f.replace('synthetic', 'noprompt');
    writeFileSync(noPrompt, 'text,eval_name\n');
    expect(() => loadRouterBench([noPrompt])).toThrow(/no column "prompt"/);
    const empty = f.replace('synthetic', 'empty');
    writeFileSync(empty, '');
    expect(() => loadRouterBench([empty])).toThrow(/is empty/);
  });
});

describe('replay', () => {
  it('never shows the allocator eval_name or outcomes before it chooses', async () => {
    const s = loadStreams({ data: [writeFixture(40)], seed: 3 });
    const host = await ReplayHost.open();
    try {
      const real = host.allocator('bandit');
      const seen: string[] = [];
      const events: string[] = [];
      const spy: Allocator = {
        name: 'spy',
        choose: (task, c, ctx) => {
          seen.push(JSON.stringify(task));
          events.push(`choose ${ctx.proc.pid}`);
          return real.choose(task, c, ctx);
        },
        feedback: (e) => {
          events.push(`feedback ${e.pid}`);
          real.feedback?.(e);
        },
      };
      await scoreReplay(spy, toItems(host, s.score), s.models, host, 20);
      expect(seen).toHaveLength(40);
      expect(seen.join('\n')).not.toContain('SECRET_FAMILY');
      expect(seen.every((t) => !/cheap-coder|total_cost|correct/.test(t))).toBe(true);
      expect(events.slice(0, 4)).toEqual([`choose ${events[0].split(' ')[1]}`, `feedback ${events[0].split(' ')[1]}`, `choose ${events[2].split(' ')[1]}`, `feedback ${events[2].split(' ')[1]}`]);
    } finally {
      await host.close();
    }
  });

  it('learns from warm-up and routes each family to its cheap specialist', async () => {
    const r = await routeEval({ data: [writeFixture(400)], holdout: 0.5, seed: 7, lambda: 100 });
    expect(r.prompts).toBe(200);
    expect(r.warmup_prompts).toBe(200);
    expect(r.skipped_rows).toBe(2);
    expect(Object.keys(r.baselines)).toEqual(MODELS);
    expect(r.oracle.accuracy).toBe(1);
    expect(r.accuracy).toBeGreaterThan(0.95);
    expect(r.cost_per_1k).toBeLessThan(r.baselines['big-general'].cost_per_1k / 4);
    expect(r.accuracy).toBeGreaterThan(r.random.accuracy);
    expect(r.regret.at(-1)!.prompt).toBe(200);
  });

  it('keeps an explicit λ fixed, and otherwise paces it to the budget share', async () => {
    const fixed = await routeEval({ data: [writeFixture(200)], holdout: 0.5, seed: 4, lambda: 100 });
    expect(fixed.lambda_final).toBe(100);
    const paced = await routeEval({ data: [writeFixture(200)], holdout: 0.5, seed: 4, budgetShare: 0.1 });
    expect(paced.lambda_final).not.toBe(paced.lambda);
    expect(paced.cost_per_1k).toBeLessThan(0.2 * paced.baselines['big-general'].cost_per_1k);
  });

  it('is deterministic for a seed and feeds warm-up back per chosen model on request', async () => {
    const a = await routeEval({ data: [writeFixture(100)], holdout: 0.5, seed: 5, warmupFeedback: 'chosen' });
    const b = await routeEval({ data: [writeFixture(100)], holdout: 0.5, seed: 5, warmupFeedback: 'chosen' });
    expect(a.accuracy).toBe(b.accuracy);
    expect(a.choices).toEqual(b.choices);
  });

  it('fails on an unknown allocator, listing the ones that exist', async () => {
    await expect(routeEval({ data: [writeFixture(10)], allocator: 'nope' })).rejects.toThrow(/no allocator named "nope"; available: .*bandit.*rules.*perf/);
  });

  it('drives every replay allocator (rules, perf, thompson, ucb1) through choose and feedback', async () => {
    const s = loadStreams({ data: [writeFixture(60)], holdout: 0.5, seed: 2 });
    const host = await ReplayHost.open();
    try {
      const items = { warm: toItems(host, s.warm), score: toItems(host, s.score) };
      for (const name of ['rules', 'perf', 'bandit-thompson', 'bandit-ucb1']) {
        const alloc = host.allocator(name);
        await warmUp(alloc, items.warm, s.models, host, 'all');
        const run = await scoreReplay(alloc, items.score, s.models, host, 20);
        expect(run.prompts, name).toBe(30);
        expect(Object.values(run.choices).reduce((x, y) => x + y, 0), name).toBe(30);
      }
    } finally {
      await host.close();
    }
  });
});
