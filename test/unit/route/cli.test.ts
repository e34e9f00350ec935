import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routeEvalCommand } from '../../../src/cli/route-eval.js';
import { MODELS, writeFixture } from './fixture.js';

/** Runs `llmos route-eval ARGS` in-process; returns what it printed and its exit code. */
async function routeEval(args: string[]) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = undefined;
  try {
    await routeEvalCommand().exitOverride().parseAsync(args, { from: 'user' });
    return { out, err, code: process.exitCode ?? 0 };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('llmos route-eval', () => {
  it('prints the documented JSON keys and draws the λ sweep with the run itself marked', async () => {
    const plot = join(mkdtempSync(join(tmpdir(), 'route-cli-')), 'pareto.svg');
    const r = await routeEval(['--data', writeFixture(120), '--holdout', '0.5', '--seed', '3', '--json', '--plot', plot, '--lambdas', '0,50']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    for (const k of ['accuracy', 'cost_per_1k', 'baselines', 'oracle', 'random', 'prompts', 'skipped_rows']) expect(report, k).toHaveProperty(k);
    expect(Object.keys(report.baselines)).toEqual(MODELS);
    expect(report.skipped_rows).toBe(2);
    expect(report.sweep.map((p: { lambda: number }) => p.lambda)).toEqual([0, 50]);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('bandit as run (λ paced)');
    expect(svg).toContain('λ 50');
  });

  it('says in the table whether λ was fixed or paced', async () => {
    const data = writeFixture(80);
    expect((await routeEval(['--data', data, '--holdout', '0.5'])).out).toMatch(/allocator bandit \(λ 20 → [\d.]+, paced\)/);
    expect((await routeEval(['--data', data, '--holdout', '0.5', '--lambda', '50'])).out).toMatch(/allocator bandit \(λ 50\) /);
  });

  it('fails with exit code 2 and a message saying what to fix', async () => {
    const data = writeFixture(10);
    const unknown = await routeEval(['--data', data, '--allocator', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no allocator named "nope"; available: .*bandit/);
    expect((await routeEval(['--data', data, '--budget-share', '2'])).err).toMatch(/--budget-share must be between 0 and 1/);
    expect((await routeEval(['--data', data, '--budget-share', '0.3', '--lambda', '20'])).err).toMatch(/not both/);
    const noCost = data.replace('synthetic', 'nocost');
    writeFileSync(noCost, 'prompt,eval_name,m1\n"[\'hi\']",x,1.0\n');
    const missing = await routeEval(['--data', noCost]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no column "m1\|total_cost"/);
  });
});
