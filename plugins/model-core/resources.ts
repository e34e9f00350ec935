import type { KernelApi, PerfTable, ResourceEntry } from '../../src/plugin-api/index.js';
import type { EvalLog } from './eval-log.js';
import type { ModelManager } from './manager.js';
import { modelRecord } from './records.js';

/** Ids may hold "/" (e.g. "openai/gpt-4o-mini"), so they are percent-encoded in URIs. */
export const modelUri = (id: string, tail = '') => `llmos://models/${encodeURIComponent(id)}${tail}`;
const idOf = (v: string | undefined) => decodeURIComponent(v ?? '');

export function modelResources(k: KernelApi, mgr: ModelManager, perf: PerfTable, log: EvalLog): ResourceEntry[] {
  const ids = () => k.models().map((e) => e.info.id);
  const complete = { id: (prefix: string) => ids().filter((id) => id.startsWith(idOf(prefix))).slice(0, 100) };
  return [
    {
      name: 'models',
      title: 'Model table',
      description: 'Every registered model with status, health, load, version and performance (model_list as a resource).',
      uri: 'llmos://models',
      read: () => ({ models: ids().map((id) => modelRecord(k, mgr, perf, id)) }),
    },
    {
      name: 'model',
      title: 'Model',
      description: 'One model: status, health, load, version, capabilities, pricing and performance rows.',
      template: 'llmos://models/{id}',
      read: (_uri, vars) => modelRecord(k, mgr, perf, idOf(vars.id)),
      list: () => ids().map((id) => ({ uri: modelUri(id), name: id })),
      complete,
    },
    {
      name: 'model-eval',
      title: 'Model evaluations',
      description: 'A model\'s rows of the performance table and its 20 newest model_eval runs (summaries).',
      template: 'llmos://models/{id}/eval',
      read: (_uri, vars) => {
        const id = idOf(vars.id);
        return { model: id, performance: perf.rows({ models: [id] }), runs: log.runs(id) };
      },
      list: () => ids().map((id) => ({ uri: modelUri(id, '/eval'), name: `${id} evals` })),
      complete,
    },
  ];
}
