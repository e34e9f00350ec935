import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MODELS = ['cheap-coder', 'big-general', 'cheap-reader'];

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const py = (s: string) => `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}']`;

/**
 * A small RouterBench-format CSV with two families: code prompts that
 * cheap-coder solves, multiple-choice prompts that cheap-reader solves;
 * big-general solves 90% of both at 20× the price. eval_name carries a
 * marker the allocator must never see. Adds `bad` malformed rows.
 */
export function writeFixture(n = 200, bad = true): string {
  const header = ['', 'sample_id', 'prompt', 'eval_name', ...MODELS, ...MODELS.map((m) => `${m}|model_response`), ...MODELS.map((m) => `${m}|total_cost`), 'oracle_model_to_route_to'];
  const lines = [header.join(',')];
  for (let i = 0; i < n; i++) {
    const code = i % 2 === 0;
    const prompt = code ? `Write a python function to compute item ${i}.` : `Which word fits the blank in case ${i}?\nA) left\nB) right\nPrint only a single choice  from "A" or "B".`;
    const correct = [code ? 1 : 0, i % 10 === 3 ? 0 : 1, code ? 0 : 1];
    const cost = [0.0001, 0.002, 0.0001];
    lines.push([i, `SECRET_FAMILY_${code ? 'code' : 'mc'}.${i}`, q(py(prompt)), `SECRET_FAMILY_${code ? 'code' : 'mc'}`, ...correct.map((c) => c.toFixed(1)), ...MODELS.map(() => q('an answer, with "quotes"\nand a newline')), ...cost, 'x'].join(','));
  }
  if (bad) {
    lines.push([n, 'e', q(py('empty cell row')), 'SECRET_FAMILY_code', '', '1.0', '0.0', 'a', 'b', 'c', 0.1, 0.1, 0.1, 'x'].join(','));
    lines.push('1,too,few,fields');
  }
  const dir = mkdtempSync(join(tmpdir(), 'route-fixture-'));
  const file = join(dir, 'synthetic.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
