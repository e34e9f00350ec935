import { API_RANGE, type KindTemplate } from './common.js';

export const allocatorTemplate: KindTemplate = {
  provides: 'allocator',
  summary: 'An allocator: the cheapest model for the call, optionally weighed with speed.',
  implFile: 'allocator',
  impl: (n) => `import { checkParams, z, type Allocation, type Allocator, type ModelInfo, type Task } from 'llmos/plugin-api';

/** What alloc_set may change at runtime. */
export const ${n.pascal}Params = {
  /** Score added per 1,000 expected tokens/s; 0 chooses on price alone. */
  speed_weight: z.number().min(0),
};

/** Chooses the model with the best score: minus the expected dollars of the call, plus speed_weight × speed. */
export class ${n.pascal}Allocator implements Allocator {
  readonly name = '${n.name}';

  constructor(private speedWeight = 0) {}

  choose(task: Task, candidates: readonly ModelInfo[]): Allocation {
    const scores = Object.fromEntries(candidates.map((m) => [m.id, this.score(m, task)]));
    const best = candidates.reduce((a, b) => (scores[b.id] > scores[a.id] ? b : a));
    return { model: best.id, reason: \`\${best.id} has the best price\${this.speedWeight > 0 ? ' and speed' : ''} for this call\`, scores };
  }

  configure(params: Record<string, unknown>): void {
    const p = checkParams(this.name, ${n.pascal}Params, params);
    if (p.speed_weight !== undefined) this.speedWeight = p.speed_weight;
  }

  snapshot(): Record<string, unknown> {
    return { speed_weight: this.speedWeight };
  }

  private score(m: ModelInfo, task: Task): number {
    const dollars = ((m.pricing.input_per_1k + m.pricing.output_per_1k) * task.max_tokens) / 1000;
    return -dollars + (this.speedWeight * m.expected_tokens_per_s) / 1000;
  }
}
`,
  index: (n) => `import { definePlugin, z } from 'llmos/plugin-api';
import { ${n.pascal}Allocator } from './allocator.js';

export default definePlugin({
  name: '${n.name}',
  version: '0.1.0',
  apiVersion: '${API_RANGE}',
  description: 'The cheapest model for the call, optionally weighed with speed.',
  provides: ['allocator'],
  options: z.object({ speed_weight: z.number().min(0).default(0) }),
  register(scope, opts) {
    // Activate it with alloc_set {"name": "${n.name}"}.
    scope.allocator('${n.name}', () => new ${n.pascal}Allocator(opts.speed_weight));
  },
});
`,
  test: (n) => `import { allocatorContract } from 'llmos/plugin-api/testing';
import { ${n.pascal}Allocator } from './allocator.js';

allocatorContract('${n.name}', () => new ${n.pascal}Allocator());
allocatorContract('${n.name} weighing speed', () => new ${n.pascal}Allocator(1));
`,
};
