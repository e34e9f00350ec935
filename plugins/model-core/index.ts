import { definePlugin, PERF_TABLE_TOKEN, z } from '../../src/plugin-api/index.js';
import { openDb } from './db.js';
import { EvalLog } from './eval-log.js';
import { EvalRunner } from './eval-runner.js';
import { ModelManager } from './manager.js';
import { SqlitePerfTable } from './perf-table.js';
import { modelResources, modelUri } from './resources.js';
import { budgetSyscalls } from './sys-budget.js';
import { evalSyscalls } from './sys-eval.js';
import { modelSyscalls } from './sys-models.js';

const Options = z.object({
  /** SQLite file name under the data dir. */
  file: z.string().min(1).default('model-core.sqlite'),
  /** Re-register models deployed with model_register before the last shutdown. */
  restore: z.boolean().default(true),
  /** How long a health probe may take before admission fails. */
  probe_timeout_ms: z.number().int().positive().default(10_000),
  /** Newest samples per (model, task type) that a performance row aggregates. */
  perf_window: z.number().int().min(10).max(100_000).default(1000),
});

/**
 * The model manager: model_* and budget_* syscalls, the llmos://models
 * resources, the eval runner and the performance table (provided to other
 * plugins under PERF_TABLE_TOKEN).
 */
export default definePlugin({
  name: 'model-core',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Model manager: runtime register/update/remove with health probes, evals, the performance table, budgets.',
  provides: ['syscall', 'resource'],
  options: Options,
  register(scope, o) {
    const k = scope.kernel;
    const db = openDb(scope.dataDir, o.file);
    scope.onClose(() => void db.close());
    const perf = new SqlitePerfTable(db, o.perf_window);
    scope.onClose(() => perf.close());
    const mgr = new ModelManager(k, scope, db, scope.log, o.probe_timeout_ms);
    const log = new EvalLog(db);
    scope.provide(PERF_TABLE_TOKEN, perf);
    const changed = (id: string) => ['llmos://models', modelUri(id), modelUri(id, '/eval')].forEach((u) => k.notify(u));
    perf.onChange((pairs) => new Set(pairs.map((p) => p.model)).forEach(changed));
    k.onModels(() => k.notify('llmos://models'));
    for (const s of [...modelSyscalls(k, mgr, perf), ...evalSyscalls(new EvalRunner(k, perf), perf, log), ...budgetSyscalls(k)]) scope.syscall(s);
    for (const r of modelResources(k, mgr, perf, log)) scope.resource(r);
    return { start: async () => void (o.restore && (await mgr.restore())) };
  },
});
