import { z } from 'zod';
import { contentText, MAX_TOOLS, MessageSchema, ResponseFormatSchema, ToolChoiceSchema, ToolDefinitionSchema, type Message } from './message.js';
import { estimateTokens, promptText } from './token-estimate.js';

export { MessageSchema, type Message } from './message.js';

export const TASK_TYPES = ['chat', 'qa', 'code', 'translation', 'math', 'summarization', 'extraction', 'classification'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** Domain tags the profiler gives; callers may state others, which allocators treat alike as "other". */
export const DOMAIN_TAGS = ['programming', 'mathematics', 'science', 'medicine', 'law', 'finance', 'commonsense'] as const;
export type DomainTag = (typeof DOMAIN_TAGS)[number];

/** What a request is: small talk with the assistant, or work (a task, a question of fact, a problem to fix). */
export const INTENTS = ['chit-chat', 'professional'] as const;
export type Intent = (typeof INTENTS)[number];

/** Task fields a profiler fills and may state a confidence for. */
export const PROFILED_FIELDS = ['type', 'language', 'target_language', 'code_language', 'intent', 'domain'] as const;
export type ProfiledField = (typeof PROFILED_FIELDS)[number];

/** max_tokens of a task that names none. */
export const DEFAULT_MAX_TOKENS = 256;

/** What a process runs: one model call, described independently of any model. Task fields without the refinements, for schemas that extend them. */
export const TaskFields = z.object({
  prompt: z.string().optional().describe('Give one of prompt, messages, embed.'),
  messages: z.array(MessageSchema).min(1).optional().describe('Chat turns.'),
  system: z.string().optional(),
  type: z.enum(TASK_TYPES).optional(),
  language: z.string().min(2).max(16).optional().describe('ISO 639-1'),
  target_language: z.string().min(2).max(16).optional().describe('ISO 639-1, of a translation'),
  code_language: z.string().min(1).max(32).optional().describe('e.g. "python"'),
  intent: z.enum(INTENTS).optional().describe('"chit-chat" or "professional"'),
  confidence: z.partialRecord(z.enum(PROFILED_FIELDS), z.number().min(0).max(1)).optional().describe('0–1 per profiled field; filled at spawn'),
  domain: z.array(z.string().min(1)).max(16).optional().describe('e.g. ["medicine"]'),
  priority: z.number().int().min(0).max(9).default(4).describe('0 most urgent'),
  deadline_ms: z.number().int().positive().optional().describe('Unix ms; killed after it'),
  max_tokens: z.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_TOKENS),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string().min(1).max(256)).max(4).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0).max(20).optional(),
  embed: z.array(z.string()).min(1).max(2048).optional().describe('Texts to embed (result.embeddings)'),
  tools: z.array(ToolDefinitionSchema).max(MAX_TOOLS).optional().describe('Calls return as tool_use blocks in result.content'),
  tool_choice: ToolChoiceSchema.optional(),
  response_format: ResponseFormatSchema.optional().describe('{type:"json_object"} or {type:"json_schema",name,schema,strict?}'),
  stream: z.boolean().optional().describe('Call the model streamed, so watchers get every token from the first'),
  model: z.string().min(1).default('auto').describe('Id from model_list, or "auto"'),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

/** Exactly one of prompt, messages and embed. */
export const onePromptForm = (t: { prompt?: string; messages?: unknown[]; embed?: unknown[] }) => [t.prompt, t.messages, t.embed].filter((x) => x !== undefined).length === 1;
export const onePromptFormError = { message: 'give exactly one of "prompt", "messages" or "embed"', path: ['prompt'] };

/** A tool_choice that names a tool names one of `tools`; any other choice but "none" needs tools. */
export const toolChoiceFits = (t: { tools?: Array<{ name: string }>; tool_choice?: z.infer<typeof ToolChoiceSchema> }) =>
  t.tool_choice === undefined || t.tool_choice === 'none' || (typeof t.tool_choice === 'string' ? !!t.tools?.length : !!t.tools?.some((x) => x.name === (t.tool_choice as { name: string }).name));
export const toolChoiceFitsError = { message: 'tool_choice needs tools, and a named tool_choice must name one of "tools"; add the tool or drop tool_choice', path: ['tool_choice'] };

export const TaskSchema = TaskFields.refine(onePromptForm, onePromptFormError).refine(toolChoiceFits, toolChoiceFitsError);
export type Task = z.infer<typeof TaskSchema>;
/** A task as callers write it: defaults may be left out. */
export type TaskInput = z.input<typeof TaskSchema>;

/** The chat transcript a task sends to a model. */
export function taskMessages(task: Task): Message[] {
  const body: Message[] = task.messages ?? [{ role: 'user', content: task.prompt ?? '' }];
  return task.system ? [{ role: 'system', content: task.system }, ...body] : body;
}

/** The text of a transcript, one message a line: what token estimates count (every block's text, tool calls and results; not images). */
export const messagesText = (messages: readonly Message[]): string => messages.map((m) => contentText(m.content)).join('\n');

/** The text of a task for size estimates: its transcript, tool definitions and response schema. */
export function taskText(task: Task): string {
  if (task.embed) return task.embed.join('\n');
  return promptText({ messages: taskMessages(task), tools: task.tools, response_format: task.response_format });
}

const tokensOf = new WeakMap<Task, number>();

/**
 * estimateTokens(taskText(task)), counted once per task: the profiler, the
 * allocators and the schedulers all ask, and a long prompt's walk is not
 * free. A task's text is never changed in place (a spawn hook or proc_nice
 * replaces the task).
 */
export function taskTokens(task: Task): number {
  let n = tokensOf.get(task);
  if (n === undefined) tokensOf.set(task, (n = estimateTokens(taskText(task))));
  return n;
}

/** Lets `copy`, a task with `task`'s text (a profiled copy), reuse its count. */
export function sameTextAs(copy: Task, task: Task): Task {
  const n = tokensOf.get(task);
  if (n !== undefined) tokensOf.set(copy, n);
  return copy;
}

/** Whether the task offers the model tools it may call (so only tool_calling models can run it). */
export const needsTools = (task: Pick<Task, 'tools' | 'tool_choice'>): boolean => !!task.tools?.length && task.tool_choice !== 'none';

/** A capability a task may need of its model, and how a client would name it. */
export const FEATURES = { tool_calling: 'tool calling', logprobs: 'logprobs', embeddings: 'embeddings' } as const;
export type Feature = keyof typeof FEATURES;

/** The capabilities a model must declare to run the task (a model that lacks one is never given it). */
export function neededFeatures(task: Pick<Task, 'tools' | 'tool_choice' | 'logprobs' | 'embed'>): Feature[] {
  const out: Feature[] = [];
  if (task.embed) out.push('embeddings');
  else if (needsTools(task)) out.push('tool_calling');
  if (task.logprobs) out.push('logprobs');
  return out;
}

export { estimateTokens } from './token-estimate.js';
