import { LlmosError, MessageSchema, safeRegex, onePromptForm, TASK_TYPES, z } from '../../src/plugin-api/index.js';

export const SCORERS = ['exact', 'contains', 'regex', 'json-schema', 'numeric-tolerance'] as const;
export type ScorerName = (typeof SCORERS)[number];

/**
 * One eval item, one JSONL line. `expected` depends on the scorer: a string
 * (exact, contains), a pattern (regex, with optional `flags`), a JSON Schema
 * object (json-schema), or a number (numeric-tolerance, within `tolerance`
 * absolute or `rel_tolerance` relative; default 1e-6 absolute).
 */
export const EvalItemSchema = z
  .object({
    id: z.string().max(200).optional(),
    prompt: z.string().optional(),
    messages: z.array(MessageSchema).min(1).optional(),
    system: z.string().optional(),
    expected: z.unknown(),
    scorer: z.enum(SCORERS),
    type: z.enum(TASK_TYPES).optional().describe('Task type the item measures; the perf table is keyed by it.'),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    ignore_case: z.boolean().default(false).describe('exact, contains and regex: compare case-insensitively.'),
    flags: z.string().regex(/^[msu]*$/).optional().describe('regex: extra RegExp flags (m, s, u).'),
    tolerance: z.number().nonnegative().optional(),
    rel_tolerance: z.number().nonnegative().optional(),
  })
  .superRefine((it, ctx) => {
    if (!onePromptForm(it)) ctx.addIssue({ code: 'custom', message: 'give exactly one of "prompt" or "messages"', path: ['prompt'] });
    const e = it.expected;
    const bad = (want: string) => ctx.addIssue({ code: 'custom', message: `scorer ${it.scorer} needs "expected" to be ${want}`, path: ['expected'] });
    if (['exact', 'contains', 'regex'].includes(it.scorer) && typeof e !== 'string') bad('a string');
    if (it.scorer === 'json-schema' && (typeof e !== 'object' || e === null || Array.isArray(e)) && typeof e !== 'boolean') bad('a JSON Schema (object)');
    if (it.scorer === 'numeric-tolerance' && !(typeof e === 'number' || (typeof e === 'string' && Number.isFinite(Number(e))))) bad('a number');
    if (it.scorer === 'regex' && typeof e === 'string') {
      try {
        safeRegex(e, it.flags, 'expected');
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message, path: ['expected'] });
      }
    }
  });
export type EvalItem = z.output<typeof EvalItemSchema>;

/** Parses a JSONL suite; blank lines are skipped. Fails with LLMOS_EINVAL naming the line and field. */
export function parseSuite(jsonl: string): EvalItem[] {
  const items: EvalItem[] = [];
  jsonl.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      throw new LlmosError('LLMOS_EINVAL', `eval suite line ${i + 1} is not JSON (${(e as Error).message}); each line must be one JSON object.`, { line: i + 1 });
    }
    items.push(checkItem(raw, `line ${i + 1}`));
  });
  return items;
}

export function checkItem(raw: unknown, where: string): EvalItem {
  const r = EvalItemSchema.safeParse(raw);
  if (!r.success)
    throw new LlmosError(
      'LLMOS_EINVAL',
      `eval suite ${where}: ${r.error.issues.map((x) => `${x.path.join('.') || '(item)'}: ${x.message}`).join('; ')}. Each item is {prompt | messages, expected, scorer} with scorer one of ${SCORERS.join(', ')}.`,
    );
  return r.data;
}
