import { INTENTS, PROFILED_FIELDS, z, type Task } from '../../src/plugin-api/index.js';

/**
 * Rule conditions over profiled fields: source_language, target_language,
 * language pairs ("en->fr", "*->fr", "en->*"), code_language and intent,
 * each one value or a list, with an optional min_confidence (one number for
 * every profiled field the rule names, or one per field). A field the task
 * lacks, or holds with less confidence than asked, fails the rule.
 */

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);
const ISO = z.string().regex(/^[a-z]{2,3}$/, 'a language is an ISO 639-1 code in lower case, e.g. "fr" (not "French" or "FR")');
const PAIR = z.string().regex(/^([a-z]{2,3}|\*)->([a-z]{2,3}|\*)$/, 'a pair is "source->target" in ISO 639-1 codes, e.g. "en->fr"; "*" stands for any, as in "*->fr"');
const CODE = z.string().regex(/^[a-z][a-z0-9+#._-]*$/, 'a code language is an LLMOS id in lower case, e.g. "python", "cpp", "csharp"');
const CONFIDENCE = z.number().min(0).max(1);

export const ProfileMatchFields = {
  source_language: oneOrMany(ISO).optional().describe('The language the task is written in (the profile\'s "language").'),
  target_language: oneOrMany(ISO).optional().describe('The language a translation is asked into.'),
  pair: oneOrMany(PAIR).optional().describe('Source and target language as "en->fr"; "*" for any side.'),
  code_language: oneOrMany(CODE).optional().describe('Programming language, lower-case LLMOS id ("python").'),
  intent: oneOrMany(z.enum(INTENTS)).optional().describe('"chit-chat" or "professional".'),
  min_confidence: z
    .union([CONFIDENCE, z.partialRecord(z.enum(PROFILED_FIELDS), CONFIDENCE)])
    .optional()
    .describe('The least profile confidence (0–1) for the fields this rule names: one number for all, or per field ({"code_language": 0.8}). Fields the caller stated count 1.'),
};
const ProfileMatch = z.object(ProfileMatchFields);
type ProfileMatch = z.infer<typeof ProfileMatch>;

/** What one profiled field contributed to a match: the task's value and the profile's confidence in it. */
export interface Decided {
  value: string;
  confidence?: number;
}
export type MatchOutcome = { ok: true; decided: Record<string, Decided> } | { ok: false; lowConfidence?: string };

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
const pairMatches = (want: string, src: string, dst: string) => {
  const [s, d] = want.split('->');
  return (s === '*' || s === src) && (d === '*' || d === dst);
};

/** Checks the profiled-field conditions of one rule against a task. */
export function matchProfile(m: ProfileMatch & { language?: string | string[] }, task: Task): MatchOutcome {
  const decided: Record<string, Decided> = {};
  const conf = task.confidence ?? {};
  const min = (field: keyof typeof conf) => (typeof m.min_confidence === 'number' ? m.min_confidence : (m.min_confidence?.[field] ?? 0));
  const checks: Array<[string, keyof typeof conf, string | undefined, (v: string) => boolean, unknown]> = [
    ['source_language', 'language', task.language, (v) => list(m.source_language ?? m.language)!.includes(v), m.source_language ?? m.language],
    ['target_language', 'target_language', task.target_language, (v) => list(m.target_language)!.includes(v), m.target_language],
    ['code_language', 'code_language', task.code_language, (v) => list(m.code_language)!.includes(v), m.code_language],
    ['intent', 'intent', task.intent, (v) => (list(m.intent) as string[]).includes(v), m.intent],
  ];
  for (const [name, field, value, test, wanted] of checks) {
    if (wanted === undefined) continue;
    if (value === undefined || !test(value)) return { ok: false };
    if ((conf[field] ?? 1) < min(field)) return { ok: false, lowConfidence: `${name}=${value} at confidence ${conf[field]} < ${min(field)}` };
    decided[name] = { value, ...(conf[field] !== undefined && { confidence: conf[field] }) };
  }
  if (m.pair !== undefined) {
    const [src, dst] = [task.language ?? '', task.target_language ?? ''];
    if (!dst || !list(m.pair)!.some((p) => pairMatches(p, src, dst))) return { ok: false };
    for (const field of ['language', 'target_language'] as const)
      if ((conf[field] ?? 1) < min(field)) return { ok: false, lowConfidence: `pair ${src}->${dst}: ${field} at confidence ${conf[field]} < ${min(field)}` };
    decided.pair = { value: `${src}->${dst}`, confidence: Math.min(conf.language ?? 1, conf.target_language ?? 1) };
  }
  return { ok: true, decided };
}

/** How a match reads in an allocation's reason: "intent=professional (0.92), code_language=python (0.97)". */
export const describeDecided = (d: Record<string, Decided>): string =>
  Object.entries(d)
    .map(([k, v]) => `${k}=${v.value}${v.confidence !== undefined ? ` (${v.confidence})` : ''}`)
    .join(', ');
