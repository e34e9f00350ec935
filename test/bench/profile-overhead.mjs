#!/usr/bin/env node
/**
 * Per-task profiling cost of profile-basic (the profile every spawn runs):
 * p50/p95/p99 in ms over a realistic mix — the RouterBench prompts in
 * shared/data/routerbench (ARC, MBPP, Winogrande) plus translation, code
 * (fenced without info strings) and chit-chat requests made from them.
 * Prints CPU time (what the profile costs) and wall time (what a spawn
 * waits, preemption included). Warm: eld's table is loaded and the JIT settled before timing.
 *
 *   npm run bench:profile [-- --rounds 5]
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BasicProfiler } from '../../dist/plugins/profile-basic/index.js';
import { TaskSchema } from '../../dist/src/core/task.js';

const DATA = ['/work/shared/data/routerbench', join(import.meta.dirname, '../../../shared/data/routerbench')].find((d) => existsSync(d));
if (!DATA) throw new Error('RouterBench CSVs not found: expected shared/data/routerbench beside the repository (see its README).');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;

/** The "prompt" column (third) of a RouterBench CSV: a Python-style list holding one string. */
function prompts(file) {
  const src = readFileSync(file, 'utf8');
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  return rows.slice(1).map((r) => (r[2] ?? '').replace(/^\['|'\]$/g, '').replace(/\\n/g, '\n')).filter(Boolean);
}

const base = readdirSync(DATA).filter((f) => f.endsWith('.csv')).flatMap((f) => prompts(join(DATA, f)));
const mix = [
  ...base,
  ...base.slice(0, 200).map((p, i) => `Translate into ${['French', 'German', 'Spanish', 'Japanese'][i % 4]}: ${p.split('\n')[0]}`),
  ...base.slice(200, 400).map((p) => `Why does this fail?\n\`\`\`\ndef solve(xs):\n    # ${p.split('\n')[0].slice(0, 60)}\n    return sorted(xs)[0] / len(xs)\n\`\`\``),
  ...['Hi there!', 'How are you today?', 'Tell me a joke', 'Do you like music?', 'Thanks, bye!'].flatMap((p) => Array(20).fill(p)),
].map((prompt) => TaskSchema.parse({ prompt }));

const profiler = new BasicProfiler();
for (const t of mix.slice(0, 500)) profiler.profile(t); // warm-up: eld's table, JIT
// Wall time, and this thread's CPU time (process.cpuUsage, µs): on a shared, loaded machine a
// task of 0.3 ms is preempted now and then, which lands in the wall-clock tail but not in CPU time.
const wall = [];
const cpu = [];
for (let r = 0; r < rounds; r++)
  for (const t of mix) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    profiler.profile(t);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(3);
const line = (name, xs) => (xs.sort((a, b) => a - b), `${name}: p50 ${q(xs, 0.5)} ms, p95 ${q(xs, 0.95)} ms, p99 ${q(xs, 0.99)} ms (goal p95 < 1 ms: ${Number(q(xs, 0.95)) < 1 ? 'met' : 'NOT met'})`);
console.log(`profile-basic per task over ${mix.length} tasks × ${rounds} rounds`);
console.log(line('  CPU time ', cpu));
console.log(line('  wall time', wall));
