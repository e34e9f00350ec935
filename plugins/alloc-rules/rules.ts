import { LlmosError, safeRegex, TASK_TYPES, taskText, z, type SafeRegex, type Allocation, type Allocator, type ModelInfo, type Task } from '../../src/plugin-api/index.js';

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

export const RuleSchema = z
  .object({
    match: z
      .object({
        type: oneOrMany(z.enum(TASK_TYPES)).optional(),
        language: oneOrMany(z.string().min(2)).optional(),
        domain: oneOrMany(z.string().min(1)).optional().describe('Matches when the task has any of these tags.'),
        regex: z.string().optional().describe('JavaScript regex (case-insensitive) tested on the task text.'),
        metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('Every key must equal.'),
      })
      .strict()
      .default({}),
    model: z.string().optional(),
    group: z.string().optional(),
  })
  .strict()
  .refine((r) => (r.model === undefined) !== (r.group === undefined), { message: 'give exactly one of "model" or "group"' });
export type Rule = z.infer<typeof RuleSchema>;

export const RulesOptions = z.object({
  rules: z.array(RuleSchema).default([]).describe('Checked in order; the first match wins.'),
  groups: z.record(z.string(), z.array(z.string()).min(1)).default({}).describe('Named lists of models, in preference order.'),
  default: z.string().optional().describe('A model or group when no rule matches; else the cheapest candidate.'),
});
export type RulesConfig = z.infer<typeof RulesOptions>;

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/**
 * Checks every rule against the known models; the first problem throws
 * LLMOS_EPLUGIN naming the rule's index (0-based, as in the config array).
 */
export function validateRules(cfg: RulesConfig, known: ReadonlySet<string>): void {
  const check = (target: string, where: string) => {
    const models = cfg.groups[target] ?? [target];
    for (const m of models)
      if (!known.has(m))
        throw new LlmosError('LLMOS_EPLUGIN', `alloc-rules: ${where} names unknown model "${m}"; known models: ${[...known].join(', ') || 'none'}. Fix the rule or register the model first.`, { model: m });
  };
  cfg.rules.forEach((r, i) => {
    if (r.group !== undefined && !cfg.groups[r.group]) throw new LlmosError('LLMOS_EPLUGIN', `alloc-rules: rule ${i} names unknown group "${r.group}"; define it under "groups".`);
    if (r.match.regex !== undefined)
      try {
        compiled.set(r.match, safeRegex(r.match.regex, 'i', `rule ${i}'s regex`));
      } catch (e) {
        throw new LlmosError('LLMOS_EPLUGIN', `alloc-rules: ${(e as Error).message}`);
      }
    check(r.model ?? r.group!, `rule ${i}`);
  });
  if (cfg.default !== undefined) check(cfg.default, 'the default');
}

/** Each rule's regex, compiled once when the rules are validated. */
const compiled = new WeakMap<Rule['match'], SafeRegex>();
const regexOf = (m: Rule['match']): SafeRegex => {
  let re = compiled.get(m);
  if (!re) compiled.set(m, (re = safeRegex(m.regex!, 'i', 'rule regex')));
  return re;
};

export function ruleMatches(r: Rule, task: Task): boolean {
  const m = r.match;
  const types = list(m.type);
  if (types && !types.includes(task.type ?? 'chat')) return false;
  const langs = list(m.language);
  if (langs && !langs.includes(task.language ?? '')) return false;
  const doms = list(m.domain);
  if (doms && !doms.some((d) => task.domain?.includes(d))) return false;
  if (m.regex !== undefined && !regexOf(m).test(taskText(task))) return false;
  if (m.metadata && !Object.entries(m.metadata).every(([k, v]) => task.metadata[k] === v)) return false;
  return true;
}

const listPrice = (m: ModelInfo) => m.pricing.input_per_1k + m.pricing.output_per_1k;

/** First matching rule wins; a rule whose models are all unavailable is passed over. */
export class RulesAllocator implements Allocator {
  readonly name = 'rules';
  constructor(private readonly cfg: RulesConfig) {}

  choose(task: Task, candidates: readonly ModelInfo[]): Allocation {
    const pick = (target: string) => {
      for (const id of this.cfg.groups[target] ?? [target]) {
        const c = candidates.find((m) => m.id === id);
        if (c) return c;
      }
      return undefined;
    };
    const scores = (chosen: string) => Object.fromEntries(candidates.map((m) => [m.id, m.id === chosen ? 1 : 0]));
    for (const [i, r] of this.cfg.rules.entries()) {
      if (!ruleMatches(r, task)) continue;
      const m = pick(r.model ?? r.group!);
      if (m) return { model: m.id, reason: `rule ${i} matched and names ${r.model ? `model ${m.id}` : `group "${r.group}", whose first available model is ${m.id}`}.`, scores: scores(m.id) };
    }
    const d = this.cfg.default !== undefined ? pick(this.cfg.default) : undefined;
    if (d) return { model: d.id, reason: `no rule matched; the default names ${d.id}.`, scores: scores(d.id) };
    const cheapest = [...candidates].sort((a, b) => listPrice(a) - listPrice(b))[0];
    return { model: cheapest.id, reason: `no rule matched and no default is available; ${cheapest.id} has the lowest list price.`, scores: scores(cheapest.id) };
  }
}
