import { describeIssues, LlmosError, z, type ContentBlock, type ImageBlock, type Message, type TextBlock, type TaskInput, type ToolChoice, type ToolDefinition } from '../../src/plugin-api/index.js';

/**
 * The part of Anthropic's Messages request LLMOS honours, translated to the
 * core message model. Blocks are checked loosely here (their exact shape is
 * the core model's to enforce, through proc_spawn); fields LLMOS cannot
 * honour are refused, except those that only tune a model LLMOS does not
 * run (thinking, top_k, top_p, cache_control, service_tier), which are ignored.
 */
const Block = z.object({ type: z.string() }).passthrough();
const Source = z.object({ type: z.string(), media_type: z.string().optional(), data: z.string().optional(), url: z.string().optional() }).passthrough();
const Tool = z.object({ name: z.string(), description: z.string().optional(), input_schema: z.record(z.string(), z.unknown()).optional(), type: z.string().nullish() }).passthrough();
const Choice = z.object({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional(), disable_parallel_tool_use: z.boolean().optional() });

export const MessagesRequestSchema = z
  .object({
    model: z.string().min(1),
    max_tokens: z.number().int().min(1),
    messages: z.array(z.object({ role: z.enum(['user', 'assistant', 'system']), content: z.union([z.string(), z.array(Block)]) })).min(1),
    system: z.union([z.string(), z.array(Block)]).optional(),
    stop_sequences: z.array(z.string()).optional(),
    temperature: z.number().min(0).max(1).optional(),
    metadata: z.object({ user_id: z.string().max(256).nullish() }).passthrough().optional(),
    stream: z.boolean().optional(),
    tools: z.array(Tool).optional(),
    tool_choice: Choice.optional(),
  })
  .passthrough();
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;
/** count_tokens takes the prompt fields without max_tokens. */
const CountRequestSchema = MessagesRequestSchema.extend({ max_tokens: z.number().int().min(1).optional() });

const invalid = (what: string) => new LlmosError('LLMOS_EINVAL', `invalid messages request: ${what}`);

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the request body must be a JSON object with "model", "max_tokens" and "messages"; send one with Content-Type: application/json.');
  const r = schema.safeParse(body);
  if (!r.success) throw invalid(`${describeIssues(r.error, '(body)')}. Fix the named fields and send again.`);
  return r.data;
}

/** Parses a /v1/messages body; throws LLMOS_EINVAL naming the fields to fix. */
export const parseMessagesRequest = (body: unknown): MessagesRequest => parseWith(MessagesRequestSchema, body);
/** Parses a /v1/messages/count_tokens body (max_tokens optional). */
export const parseCountRequest = (body: unknown): MessagesRequest => parseWith(CountRequestSchema, body) as MessagesRequest;

type RawBlock = z.infer<typeof Block>;

function imageOf(b: RawBlock, where: string): ImageBlock {
  const s = Source.safeParse(b.source);
  if (s.success && s.data.type === 'base64') return { type: 'image', source: { type: 'base64', media_type: String(s.data.media_type), data: String(s.data.data) } };
  if (s.success && s.data.type === 'url') return { type: 'image', source: { type: 'url', url: String(s.data.url) } };
  throw invalid(`${where}: an image's source must be {type:"base64", media_type, data} or {type:"url", url}.`);
}

/** A tool_result's content: a string, or its text and image blocks. */
function resultContent(c: unknown, where: string): string | Array<TextBlock | ImageBlock> {
  if (c === undefined || c === null) return '';
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) throw invalid(`${where}.content must be a string or an array of text and image blocks.`);
  return c.map((b: RawBlock, j): TextBlock | ImageBlock => {
    if (b?.type === 'text') return { type: 'text', text: String(b.text ?? '') };
    if (b?.type === 'image') return imageOf(b, `${where}.content.${j}`);
    throw invalid(`${where}.content.${j}: a tool_result holds text and image blocks, not "${String(b?.type)}".`);
  });
}

/** One Anthropic block as a core block; thinking blocks of earlier turns are dropped (no model LLMOS runs reads them), undefined. */
function blockOf(b: RawBlock, where: string): ContentBlock | undefined {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: String(b.text ?? '') };
    case 'image':
      return imageOf(b, where);
    case 'tool_use':
      return { type: 'tool_use', id: String(b.id ?? ''), name: String(b.name ?? ''), input: (b.input ?? {}) as Record<string, unknown> };
    case 'tool_result':
      return { type: 'tool_result', tool_use_id: String(b.tool_use_id ?? ''), content: resultContent(b.content, where), ...(b.is_error === true && { is_error: true }) };
    case 'thinking':
    case 'redacted_thinking':
      return undefined;
    default:
      throw invalid(`${where}: "${b.type}" blocks are not supported; send text, image, tool_use and tool_result blocks.`);
  }
}

/** One message; a system message among them (newer Messages API versions allow it, Claude Code sends it) holds text only. */
function messageOf(m: MessagesRequest['messages'][number], i: number): Message {
  if (typeof m.content === 'string') return { role: m.role, content: m.content };
  if (m.role === 'system') return systemOf(m.content, `messages.${i}.content`)[0] ?? { role: 'system', content: '' };
  const content = m.content.flatMap((b, j) => blockOf(b, `messages.${i}.content.${j}`) ?? []);
  return { role: m.role, content };
}

/** The system prompt as one system message: its text blocks joined. */
function systemOf(s: MessagesRequest['system'], where = 'system'): Message[] {
  if (s === undefined) return [];
  const bad = typeof s === 'string' ? -1 : s.findIndex((b) => b.type !== 'text');
  if (bad >= 0) throw invalid(`${where}.${bad}: a system prompt holds text blocks only.`);
  const text = typeof s === 'string' ? s : s.map((b) => String(b.text ?? '')).join('\n');
  return text ? [{ role: 'system', content: text }] : [];
}

function toolOf(t: z.infer<typeof Tool>, i: number): ToolDefinition {
  if (t.type && t.type !== 'custom') throw invalid(`tools.${i}: server tools ("${t.type}") run on Anthropic's side and are not available here; send client tools ({name, description, input_schema}).`);
  return { name: t.name, ...(t.description !== undefined && { description: t.description }), input_schema: t.input_schema ?? { type: 'object', properties: {} } };
}

const CHOICES: Record<string, ToolChoice> = { auto: 'auto', any: 'required', none: 'none' };
const choiceOf = (c: z.infer<typeof Choice>): ToolChoice => (c.type === 'tool' ? { type: 'tool', name: c.name ?? '' } : CHOICES[c.type]);

/** The prompt fields of a request in the core model: messages (system first), tools and tool choice. */
export function promptOf(req: MessagesRequest): Pick<TaskInput, 'messages' | 'tools' | 'tool_choice'> {
  const tools = req.tools?.length ? req.tools.map(toolOf) : undefined;
  return {
    messages: [...systemOf(req.system), ...req.messages.map(messageOf)],
    ...(tools && { tools }),
    ...(req.tool_choice && { tool_choice: choiceOf(req.tool_choice) }),
  };
}

/**
 * The LLMOS task of a Messages request on LLMOS model `model`; proc_spawn
 * validates and bounds it. metadata.user_id is recorded as the end user the
 * caller acts for (task metadata "user"), as OpenAI's `user` is.
 */
export function taskOf(req: MessagesRequest, model: string): TaskInput {
  const user = req.metadata?.user_id;
  return {
    ...promptOf(req),
    model,
    max_tokens: req.max_tokens,
    ...(req.temperature !== undefined && { temperature: req.temperature }),
    ...(req.stop_sequences?.length && { stop: req.stop_sequences }),
    metadata: { via: 'anthropic-gateway', requested_model: req.model, ...(user && { user }) },
  };
}
