import { z } from 'zod';

/** What a process runs: one model call, described independently of any model. */
export const MessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type Message = z.infer<typeof MessageSchema>;

export const TASK_TYPES = ['chat', 'qa', 'code', 'translation', 'math', 'summarization', 'extraction', 'classification'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** Domain tags the profiler gives; callers may state others, which allocators treat alike as "other". */
export const DOMAIN_TAGS = ['programming', 'mathematics', 'science', 'medicine', 'law', 'finance', 'commonsense'] as const;
export type DomainTag = (typeof DOMAIN_TAGS)[number];

/** Task fields without the prompt/messages rule, for schemas that extend them. */
/** max_tokens of a task that names none. */
export const DEFAULT_MAX_TOKENS = 256;

export const TaskFields = z.object({
  prompt: z.string().optional().describe('A single user prompt. Give prompt or messages.'),
  messages: z.array(MessageSchema).min(1).optional().describe('A chat transcript. Give prompt or messages.'),
  system: z.string().optional().describe('A system prompt put before prompt/messages.'),
  type: z.enum(TASK_TYPES).optional().describe('Task type; profiled from the prompt when omitted.'),
  language: z.string().min(2).max(16).optional().describe('ISO 639-1 language; detected when omitted.'),
  domain: z.array(z.string().min(1)).max(16).optional().describe(`Domain tags, e.g. ["medicine"]; the profiler gives ${DOMAIN_TAGS.join(', ')}.`),
  priority: z.number().int().min(0).max(9).default(4).describe('0 is most urgent, 9 least.'),
  deadline_ms: z.number().int().positive().optional().describe('Unix time in ms after which the process is killed with exit "timeout".'),
  max_tokens: z.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_TOKENS),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  model: z.string().min(1).default('auto').describe('A model id from model_list, or "auto" to let the allocator choose.'),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

/** Exactly one of prompt and messages. */
export const onePromptForm = (t: { prompt?: string; messages?: unknown[] }) => (t.prompt === undefined) !== (t.messages === undefined);
export const onePromptFormError = { message: 'give exactly one of "prompt" or "messages"', path: ['prompt'] };

export const TaskSchema = TaskFields.refine(onePromptForm, onePromptFormError);
export type Task = z.infer<typeof TaskSchema>;
/** A task as callers write it: defaults may be left out. */
export type TaskInput = z.input<typeof TaskSchema>;

/** The chat transcript a task sends to a model. */
export function taskMessages(task: Task): Message[] {
  const body: Message[] = task.messages ?? [{ role: 'user', content: task.prompt ?? '' }];
  return task.system ? [{ role: 'system', content: task.system }, ...body] : body;
}

/** The text of a transcript, one message a line: what token estimates count. */
export const messagesText = (messages: readonly Message[]): string => messages.map((m) => m.content).join('\n');

/** The text of a task, for profiling and size estimates. */
export const taskText = (task: Task): string => messagesText(taskMessages(task));

/** Estimated tokens when a backend has no tokenizer: ~4 characters a token. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
