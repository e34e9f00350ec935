import { LlmosError, safeRegex, TASK_TYPES, taskText, z, type SafeRegex, type Allocation, type Allocator, type ModelInfo, type Task } from '../../src/plugin-api/index.js';
import { describeDecided, matchProfile, ProfileMatchFields, type Decided } from './profile-match.js';

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

export const RuleSchema = z
  .object({
    match: z
      .object({
        type: oneOrMany(z.enum(TASK_TYPES)).optional(),
        language: oneOrMany(z.string().min(2)).optional().describe('Same as source_language (give one of the two).'),
        ...ProfileMatchFields,
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
    if (r.match.language !== undefined && r.match.source_language !== undefined)
      throw new LlmosError('LLMOS_EPLUGIN', `alloc-rules: rule ${i} gives both "language" and "source_language", which mean the same; keep one.`);
    if (r.match.min_confidence !== undefined && !['source_language', 'language', 'target_language', 'pair', 'code_language', 'intent'].some((f) => r.match[f as keyof Rule['match']] !== undefined))
      throw new LlmosError('LLMOS_EPLUGIN', `alloc-rules: rule ${i} sets min_confidence but names no profiled field (source_language, target_language, pair, code_language, intent) for it to apply to; add one or drop min_confidence.`);
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

/** Whether a rule matches, with the profiled fields that decided it (or the one whose confidence fell short). */
export function matchRule(r: Rule, task: Task): ReturnType<typeof matchProfile> {
  const m = r.match;
  const types = list(m.type);
  if (types && !types.includes(task.type ?? 'chat')) return { ok: false };
  const doms = list(m.domain);
  if (doms && !doms.some((d) => task.domain?.includes(d))) return { ok: false };
  if (m.metadata && !Object.entries(m.metadata).every(([k, v]) => task.metadata[k] === v)) return { ok: false };
  const profiled = matchProfile(m, task);
  if (!profiled.ok) return profiled;
  if (m.regex !== undefined && !regexOf(m).test(taskText(task))) return { ok: false };
  return profiled;
}

export const ruleMatches = (r: Rule, task: Task): boolean => matchRule(r, task).ok;

const decidedBy = (d: Record<string, Decided>) => (Object.keys(d).length ? ` on ${describeDecided(d)}` : '');

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
    let shortfall = '';
    for (const [i, r] of this.cfg.rules.entries()) {
      const hit = matchRule(r, task);
      if (!hit.ok) {
        if (hit.lowConfidence && !shortfall) shortfall = ` (rule ${i} was passed over: ${hit.lowConfidence})`;
        continue;
      }
      const m = pick(r.model ?? r.group!);
      if (m) return { model: m.id, reason: `rule ${i} matched${decidedBy(hit.decided)} and names ${r.model ? `model ${m.id}` : `group "${r.group}", whose first available model is ${m.id}`}.`, scores: scores(m.id), decided_by: hit.decided };
    }
    const d = this.cfg.default !== undefined ? pick(this.cfg.default) : undefined;
    if (d) return { model: d.id, reason: `no rule matched${shortfall}; the default names ${d.id}.`, scores: scores(d.id) };
    const cheapest = [...candidates].sort((a, b) => listPrice(a) - listPrice(b))[0];
    return { model: cheapest.id, reason: `no rule matched${shortfall} and no default is available; ${cheapest.id} has the lowest list price.`, scores: scores(cheapest.id) };
  }
}
