import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../../../src/boot.js';
import { TaskSchema, type Task } from '../../../src/core/task.js';
import type { ModelInfo, PluginDefinition } from '../../../src/plugin-api/index.js';
import schedFcfs from '../../../plugins/sched-fcfs/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';

export const task = (prompt: string, extra: Partial<Task> = {}): Task => TaskSchema.parse({ prompt, ...extra });

export const model = (id: string, input_per_1k = 0.001, over: Partial<ModelInfo['capabilities']> = {}): ModelInfo => ({
  id,
  version: '1',
  backend: 'test',
  capabilities: { context_window: 4096, max_output_tokens: 512, streaming: false, tool_calling: false, ...over },
  pricing: { input_per_1k, output_per_1k: input_per_1k },
  expected_tokens_per_s: 100,
  concurrency: 1,
});

export const tmp = () => mkdtempSync(join(tmpdir(), 'alloc-'));

export const ctx = () => ({ owner: 'tester', signal: new AbortController().signal, progress() {} });

/** A kernel with a FIFO scheduler, two echo models (cheap, pricey) and the given plugins. */
export function bootWith(plugins: PluginDefinition[], dataDir = tmp()) {
  const backends = [new EchoBackend('cheap', { pricing: { input_per_1k: 0.0001, output_per_1k: 0.0001 } }), new EchoBackend('pricey', { pricing: { input_per_1k: 0.01, output_per_1k: 0.03 } })];
  // The caller acts as the operator, who is an admin.
  return boot({ inline: [schedFcfs, echoPlugin(backends), ...plugins], dataDir, admins: ['*'] }).then((b) => ({ ...b, dataDir }));
}
