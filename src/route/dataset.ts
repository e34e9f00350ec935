import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LlmosError } from '../core/errors.js';
import { parseCsv } from './csv.js';
import { decodePythonStringList } from './pylist.js';

/**
 * One RouterBench prompt. `family` (eval_name) and the outcome arrays are for
 * scoring only: the replay never hands them to an allocator before it chose.
 */
export interface OutcomeRow {
  file: string;
  /** 1-based line of the record in its file. */
  line: number;
  prompt: string;
  family: string;
  /** Per model (index into Dataset.models): 1 correct, 0 wrong. */
  correct: number[];
  /** Per model: dollars the recorded call cost. */
  cost: number[];
  /** Per model: characters of the recorded answer (0 when the column is absent). */
  answerChars: number[];
}

export interface Skipped {
  file: string;
  line: number;
  reason: string;
}

export interface Dataset {
  models: string[];
  rows: OutcomeRow[];
  skipped: Skipped[];
}

const META = new Set(['', 'sample_id', 'prompt', 'eval_name', 'oracle_model_to_route_to']);

/** Model columns of a header: every column that is neither metadata nor "<model>|<field>". */
function modelsOf(header: string[]): string[] {
  return header.filter((h) => !META.has(h) && !h.includes('|'));
}

/**
 * Reads RouterBench-format CSVs. Fails (LLMOS_EINVAL) naming the first
 * missing column; skips and counts malformed rows (grammar errors, wrong
 * field count, empty cells in used columns, values that are not numbers).
 * Every file must list the same models as the first.
 */
export function loadRouterBench(files: string[], read: (f: string) => string = (f) => readFileSync(f, 'utf8')): Dataset {
  let models: string[] | undefined;
  const rows: OutcomeRow[] = [];
  const skipped: Skipped[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      throw new LlmosError('LLMOS_EINVAL', `cannot read ${file}: ${(e as Error).message}; check the path.`);
    }
    const name = basename(file);
    const it = parseCsv(text);
    const first = it.next();
    if (first.done) throw new LlmosError('LLMOS_EINVAL', `${file} is empty; a RouterBench CSV starts with a header row (prompt, eval_name, <model>, <model>|total_cost, …).`);
    const header = first.value.fields;
    const col = new Map(header.map((h, i) => [h, i]));
    const need = (c: string) => {
      if (!col.has(c)) throw new LlmosError('LLMOS_EINVAL', `${file} has no column "${c}"; RouterBench CSVs need prompt, eval_name and, per model, "<model>" and "<model>|total_cost".`, { file, column: c });
      return col.get(c)!;
    };
    const promptCol = need('prompt');
    const familyCol = need('eval_name');
    const fileModels = modelsOf(header);
    if (!models) {
      if (!fileModels.length) throw new LlmosError('LLMOS_EINVAL', `${file} has no model columns; expected columns like "gpt-4-1106-preview" and "gpt-4-1106-preview|total_cost".`, { file });
      models = fileModels;
    }
    const outCols = models.map((m) => need(m));
    const costCols = models.map((m) => need(`${m}|total_cost`));
    const answerCols = models.map((m) => col.get(`${m}|model_response`));
    const used = [promptCol, familyCol, ...outCols, ...costCols];
    for (const rec of it) {
      const skip = (reason: string) => skipped.push({ file: name, line: rec.line, reason });
      if (rec.error) { skip(rec.error); continue; }
      const f = rec.fields;
      if (f.length !== header.length) { skip(`${f.length} fields, header has ${header.length}`); continue; }
      const empty = used.find((c) => f[c].trim() === '');
      if (empty !== undefined) { skip(`empty cell in column "${header[empty]}"`); continue; }
      const prompt = decodePythonStringList(f[promptCol]) ?? f[promptCol];
      const correct = outCols.map((c) => Number(f[c]));
      const cost = costCols.map((c) => Number(f[c]));
      const bad = [...correct, ...cost].findIndex((v) => !Number.isFinite(v) || v < 0);
      if (bad >= 0 || correct.some((v) => v > 1)) { skip('a correctness or cost cell is not a number in range'); continue; }
      const answerChars = answerCols.map((c) => (c === undefined ? 0 : f[c].length));
      rows.push({ file: name, line: rec.line, prompt, family: f[familyCol], correct, cost, answerChars });
    }
  }
  return { models: models ?? [], rows, skipped };
}
