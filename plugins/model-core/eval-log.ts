import type { Db } from './db.js';
import type { EvalReport } from './eval-runner.js';

/** Reports of past model_eval runs, newest first; item details are kept with each run. */
export class EvalLog {
  constructor(private readonly db: Db) {}

  save(r: EvalReport): void {
    this.db.prepare('INSERT INTO eval_runs (id, model, version, started, report) VALUES (?, ?, ?, ?, ?)').run(r.run_id, r.model, r.version, r.started, JSON.stringify(r));
  }

  /** Newest runs of a model, without per-item details. */
  runs(model: string, limit = 20): Array<Omit<EvalReport, 'items'>> {
    const rows = this.db.prepare('SELECT report FROM eval_runs WHERE model = ? ORDER BY started DESC, rowid DESC LIMIT ?').all(model, limit) as Array<{ report: string }>;
    return rows.map(({ report }) => {
      const { items: _items, ...summary } = JSON.parse(report) as EvalReport;
      return summary;
    });
  }
}
