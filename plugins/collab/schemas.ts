import { ProcRecordSchema, TASK_TYPES, z, type TaskInput } from '../../src/plugin-api/index.js';

/** Most children one collaboration call may ask for at a time (members, debaters, steps). */
export const MAX_MEMBERS = 16;

/** Task fields every collab syscall takes and hands to each child (model and prompt are set per child). */
export const CommonFields = {
  system: z.string().optional().describe('A system prompt for every child process.'),
  type: z.enum(TASK_TYPES).optional().describe('Task type; profiled from the prompt when omitted.'),
  language: z.string().min(2).max(16).optional(),
  domain: z.array(z.string().min(1)).max(16).optional(),
  priority: z.number().int().min(0).max(9).default(4).describe('Priority of every child, 0 most urgent.'),
  deadline_ms: z.number().int().positive().optional().describe('Unix time in ms after which the whole tree is killed with exit "timeout".'),
  max_tokens: z.number().int().min(1).max(1_000_000).default(256).describe('max_tokens of each child call.'),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().min(0).max(0xffff_ffff).optional().describe('A uint32, as llama.cpp takes. Parallel member i (ensemble, debate) gets seed + i, so repeated models sample differently; chain steps, the fuser and the judge get seed.'),
  metadata: z.record(z.string(), z.unknown()).default({}),
  wait: z.boolean().default(true).describe('Block until the fused answer is ready; false returns the group pid at once (then proc_wait it).'),
  timeout_ms: z.number().int().min(1).max(3_600_000).default(600_000).describe('How long wait:true blocks; the work goes on afterwards.'),
};

type CommonArgs = z.output<z.ZodObject<typeof CommonFields>>;

/** The task fields each child takes from the call (prompt, model, seed and metadata are set per child). */
export const childTaskFields = (a: CommonArgs) => ({
  system: a.system,
  type: a.type,
  language: a.language,
  domain: a.domain,
  priority: a.priority,
  max_tokens: a.max_tokens,
  temperature: a.temperature,
});

/** The group process's own task: the call's prompt and shared fields; it never runs on a model. */
export const groupTask = (a: CommonArgs, prompt: string): TaskInput => ({ prompt, ...childTaskFields(a), deadline_ms: a.deadline_ms, metadata: a.metadata });

export const ModelRef = z.string().min(1).describe('A model id from model_list, or "auto" to let the allocator choose.');

/**
 * Knowledge-graph options of one child, as proc_spawn takes them
 * (context_from_kg, remember; see kg-core). Recorded in the child's
 * metadata.kg, and applied by the kernel's spawn hooks when it has them.
 */
export const KgOptions = z.record(z.string(), z.unknown()).optional().describe('Knowledge-graph options for this process, as proc_spawn takes them: {context_from_kg, remember}.');

export const AnswerFormatField = z
  .enum(['auto', 'choice', 'number', 'text'])
  .default('auto')
  .describe('How votes read an answer: auto (an "Answer:" marker, an option letter, a number for math, else the text), choice, number or text.');

/** One child of a collaboration, as the output and metadata.collab show it. */
export const ChildSchema = z.object({
  pid: z.number().int(),
  role: z.string().describe('member, judge, synthesizer, step, critic, refiner or debater'),
  index: z.number().int().nullable().describe('Member/debater/step index, from 0.'),
  round: z.number().int().nullable(),
  requested_model: z.string(),
  model: z.string().nullable(),
  state: z.string(),
  exit: z.string().nullable(),
  answer: z.string().nullable(),
  /** The normalized final answer votes counted, when votes were taken. */
  key: z.string().nullable(),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), cost_usd: z.number() }),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type ChildView = z.infer<typeof ChildSchema>;

export const CollabDetailSchema = z.looseObject({
  kind: z.enum(['ensemble', 'chain', 'debate']),
  children: z.array(ChildSchema),
});
export type CollabDetail = z.infer<typeof CollabDetailSchema>;

/** The group's process record (as proc_get returns it) plus the collaboration detail. */
export const CollabOutput = ProcRecordSchema.extend({ collab: CollabDetailSchema });
