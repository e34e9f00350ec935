import fc from 'fast-check';
import type { Hints } from './schema-arbitrary.js';

const entity = fc.constantFrom('alice', 'bob', 'Acme', 'Ünïcode ✓', 'x');
const model = fc.constantFrom('auto', 'echo', 'echo-2', 'no-such-model');

/**
 * Values the fuzz kernel knows, by property name: so that generated calls
 * reach live processes, models, entities and policies instead of failing
 * every lookup. Mixed with the schema's own values, never instead of them.
 */
export const fuzzHints: Hints = {
  pid: fc.integer({ min: 1, max: 40 }),
  model: model,
  judge_model: model,
  models: fc.array(model, { minLength: 1, maxLength: 3 }),
  // Not "echo": model_update and model_remove would slow or remove the model every other batch runs on.
  id: fc.constantFrom('echo-2', 'fuzz-model', 'vllm/qwen'),
  kind: fc.constantFrom('openai', 'llamacpp', 'test-echo'),
  name: fc.constantFrom('fcfs', 'sjf', 'priority', 'hrrn', 'fair', 'bandit', 'rules', 'perf', 'first', 'alice'),
  entity,
  entityName: entity,
  from: entity,
  to: entity,
  names: fc.array(entity, { minLength: 1, maxLength: 3 }),
  owner: fc.constantFrom('self', 'test', 'fuzz', 'openai-gateway'),
  prompt: fc.constantFrom('hello there', 'What is 2+2? Answer: 4', 'fail: on purpose', 'A) yes B) no'),
  path: fc.constantFrom('graph.jsonl', 'sub/dir/out.jsonl', '../escape.jsonl', '/etc/passwd', 'graph.jsonl\u0000.txt'),
  query: entity,
};
