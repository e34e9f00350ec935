#!/usr/bin/env node
/**
 * How much guesslang's second opinion (../code-guesslang.ts) adds to the
 * code-language model on held-out packages, by its weight and by the
 * posterior below which it is asked. Reads the held-out excerpts and their
 * fold models' logits that train.mjs dumps:
 *
 *   npm run build
 *   nice -n 19 node plugins/profile-basic/training/train.mjs --held-out --dump /tmp/held-out.jsonl
 *   node plugins/profile-basic/training/fit-second-opinion.mjs /tmp/held-out.jsonl
 *
 * Prints the model-alone accuracy of argmax(log p_model + w · log(p_guesslang + floor)) for each
 * weight w, then, at w = 1 (the plain product, which code-content.ts uses), for each gate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const { guesslangOpinion } = await import(join(ROOT, 'dist', 'plugins', 'profile-basic', 'code-guesslang.js'));
const file = process.argv[2];
if (!file) throw new Error('usage: fit-second-opinion.mjs <dump from train.mjs --held-out --dump FILE>');

const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const { classes, temperature } = head;
const items = rows.map((r) => {
  const top = Math.max(...r.logits);
  const scaled = r.logits.map((l) => (l - top) / temperature);
  const lz = Math.log(scaled.reduce((a, x) => a + Math.exp(x), 0));
  return {
    gold: classes.indexOf(r.label),
    short: r.short,
    own: scaled.map((x) => x - lz),
    theirs: guesslangOpinion(classes, r.text) ?? new Float64Array(classes.length),
  };
});

/** Accuracy (all, 40-line windows, 8-line snippets) and the share of items that asked guesslang. */
function score(w, gate) {
  let right = 0, asked = 0;
  const kinds = { long: [0, 0], short: [0, 0] };
  for (const it of items) {
    const ask = Math.exp(Math.max(...it.own)) < gate;
    let best = 0;
    const at = (c) => it.own[c] + (ask ? w * it.theirs[c] : 0);
    for (let c = 1; c < classes.length; c++) if (at(c) > at(best)) best = c;
    const ok = best === it.gold ? 1 : 0;
    right += ok, (asked += ask ? 1 : 0);
    const k = kinds[it.short ? 'short' : 'long'];
    k[0] += ok, k[1]++;
  }
  const pct = (a, n) => `${((100 * a) / n).toFixed(2)}%`;
  return `${pct(right, items.length)} (windows ${pct(...kinds.long)}, snippets ${pct(...kinds.short)}), guesslang asked on ${pct(asked, items.length)}`;
}

console.log(`${items.length} held-out excerpts`);
for (const w of [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2]) console.log(`weight ${w}, always asked: ${score(w, Infinity)}`);
for (const gate of [0.5, 0.8, 0.9, 0.95, 0.99]) console.log(`weight 1, asked below ${gate}: ${score(1, gate)}`);
