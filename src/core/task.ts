import { z } from 'zod';
import { contentText, MAX_TOOLS, MessageSchema, ResponseFormatSchema, ToolChoiceSchema, ToolDefinitionSchema, type Message } from './message.js';
import { promptText } from './token-estimate.js';

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
  prompt: z.string().optional().describe('A single user prompt. Give prompt or messages.'),
  messages: z.array(MessageSchema).min(1).optional().describe('A chat transcript; content is a string or content blocks (text, image, tool_use, tool_result). Give prompt or messages.'),
  system: z.string().optional().describe('A system prompt put before prompt/messages.'),
  type: z.enum(TASK_TYPES).optional().describe('Task type; profiled from the prompt when omitted.'),
  language: z.string().min(2).max(16).optional().describe('ISO 639-1 language of the text; detected when omitted.'),
  target_language: z.string().min(2).max(16).optional().describe('ISO 639-1 language a translation is into; detected when omitted.'),
  code_language: z.string().min(1).max(32).optional().describe('Programming language of the code asked for or given, lower case (e.g. "python"); detected when omitted.'),
  intent: z.enum(INTENTS).optional().describe('"chit-chat" (small talk) or "professional" (a task or a question of fact); detected when omitted.'),
  confidence: z
    .partialRecord(z.enum(PROFILED_FIELDS), z.number().min(0).max(1))
    .optional()
    .describe('How sure the profile is of each field, 0–1. Filled at spawn: fields the caller states count 1, detected ones carry the profiler\'s confidence.'),
  domain: z.array(z.string().min(1)).max(16).optional().describe(`Domain tags, e.g. ["medicine"]; the profiler gives ${DOMAIN_TAGS.join(', ')}.`),
  priority: z.number().int().min(0).max(9).default(4).describe('0 is most urgent, 9 least.'),
  deadline_ms: z.number().int().positive().optional().describe('Unix time in ms after which the process is killed with exit "timeout".'),
  max_tokens: z.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_TOKENS),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string().min(1).max(256)).max(4).optional().describe('Up to 4 sequences that end the answer where they appear (not included).'),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  logprobs: z.boolean().optional().describe('Return the log probability of each answer token; only models with capabilities.logprobs run such a task.'),
  top_logprobs: z.number().int().min(0).max(20).optional().describe('With logprobs, the most likely alternatives per token.'),
  embed: z.array(z.string()).min(1).max(2048).optional().describe('Texts to embed instead of a completion: result.embeddings holds one vector each. Give embed instead of prompt/messages; only models with capabilities.embeddings run it.'),
  tools: z.array(ToolDefinitionSchema).max(MAX_TOOLS).optional().describe(`Tools the model may call (at most ${MAX_TOOLS}); its calls come back as tool_use blocks in result.content.`),
  tool_choice: ToolChoiceSchema.optional().describe('"auto" (default with tools), "none", "required", or {type:"tool", name} for one tool.'),
  response_format: ResponseFormatSchema.optional().describe('Structured output: {type:"json_object"} or {type:"json_schema", name, schema, strict}.'),
  model: z.string().min(1).default('auto').describe('A model id from model_list, or "auto" to let the allocator choose.'),
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
