import { describeIssues, LlmosError, z, type ContentBlock, type Message, type ResponseFormat, type TaskInput, type ToolChoice, type ToolDefinition } from '../../src/plugin-api/index.js';

const ContentPart = z.object({ type: z.string(), text: z.string().optional(), image_url: z.object({ url: z.string() }).passthrough().optional() }).passthrough();
const ToolCall = z.object({ id: z.string(), type: z.literal('function').optional(), function: z.object({ name: z.string(), arguments: z.string() }) }).passthrough();
const FunctionTool = z.object({ type: z.literal('function'), function: z.object({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }) });
const NamedChoice = z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) });
const Format = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({ type: z.literal('json_schema'), json_schema: z.object({ name: z.string(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }) }),
]);

/** The part of OpenAI's chat.completions request LLMOS honours; unknown fields are ignored. Sizes are bounded by the task (proc_spawn). */
export const ChatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z
      .array(
        z.object({
          role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
          content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
          tool_calls: z.array(ToolCall).nullish(),
          tool_call_id: z.string().optional(),
        }).passthrough(),
      )
      .min(1),
    tools: z.array(FunctionTool).nullish(),
    tool_choice: z.union([z.enum(['auto', 'none', 'required']), NamedChoice]).nullish(),
    response_format: Format.nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).passthrough().nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    max_completion_tokens: z.number().int().min(1).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    seed: z.number().int().nullish(),
    n: z.number().int().nullish(),
    user: z.string().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
  })
  .passthrough();
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
type ChatMessage = ChatRequest['messages'][number];

const invalid = (what: string) => new LlmosError('LLMOS_EINVAL', `invalid chat.completions request: ${what}`);

/** A data: URL as a base64 image; any other URL is passed as a URL. */
function imageBlock(url: string): ContentBlock {
  const m = /^data:(image\/[a-z0-9.+-]+);base64,(.*)$/is.exec(url);
  return m ? { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } } : { type: 'image', source: { type: 'url', url } };
}

/** OpenAI content as core content: a string stays a string, text parts and image_url parts become blocks. */
function contentOf(content: ChatMessage['content'], i: number): string | ContentBlock[] {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part): ContentBlock => {
    if (part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
    if (part.type === 'image_url' && part.image_url) return imageBlock(part.image_url.url);
    throw invalid(`messages.${i}.content: only text and image_url parts are supported, not "${part.type}".`);
  });
}

function toolUse(call: z.infer<typeof ToolCall>, i: number): ContentBlock {
  let input: unknown;
  try {
    input = JSON.parse(call.function.arguments || '{}');
  } catch {
    throw invalid(`messages.${i}.tool_calls: arguments of "${call.id}" are not JSON; send the arguments the model produced.`);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalid(`messages.${i}.tool_calls: arguments of "${call.id}" must be a JSON object.`);
  return { type: 'tool_use', id: call.id, name: call.function.name, input: input as Record<string, unknown> };
}

/** One OpenAI message as a core message: developer is system, a tool message is a tool_result, tool_calls are tool_use blocks. */
function messageOf(m: ChatMessage, i: number): Message {
  if (m.role === 'function') throw invalid(`messages.${i}.role "function" is deprecated and not supported; use tools and "tool" messages.`);
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw invalid(`messages.${i}: a tool message needs tool_call_id.`);
    const content = contentOf(m.content, i);
    return { role: 'tool', content: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: typeof content === 'string' ? content : content.filter((b) => b.type === 'text') }] };
  }
  const content = contentOf(m.content, i);
  if (m.role === 'assistant' && m.tool_calls?.length) {
    const blocks = typeof content === 'string' ? (content ? [{ type: 'text' as const, text: content }] : []) : content;
    return { role: 'assistant', content: [...blocks, ...m.tool_calls.map((c) => toolUse(c, i))] };
  }
  return { role: m.role === 'developer' ? 'system' : m.role, content };
}

const toolOf = (t: z.infer<typeof FunctionTool>): ToolDefinition => ({
  name: t.function.name,
  ...(t.function.description !== undefined && { description: t.function.description }),
  input_schema: t.function.parameters ?? { type: 'object', properties: {} },
});

const choiceOf = (c: NonNullable<ChatRequest['tool_choice']>): ToolChoice => (typeof c === 'string' ? c : { type: 'tool', name: c.function.name });

function formatOf(f: NonNullable<ChatRequest['response_format']>): ResponseFormat | undefined {
  if (f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  const s = f.json_schema;
  return { type: 'json_schema', name: s.name, schema: s.schema ?? {}, ...(s.description !== undefined && { description: s.description }), ...(s.strict != null && { strict: s.strict }) };
}

/** Parses a request body; throws LLMOS_EINVAL naming the fields to fix. */
export function parseChatRequest(body: unknown): ChatRequest {
  const r = ChatRequestSchema.safeParse(body);
  if (!r.success) throw invalid(`${describeIssues(r.error, '(body)')}. Fix the named fields and send again.`);
  if ((r.data.n ?? 1) !== 1) throw invalid('n must be 1; send one request per completion.');
  return r.data;
}

/** The LLMOS task for a chat request, in the core message model; proc_spawn validates and bounds it. */
export function taskOf(req: ChatRequest): TaskInput {
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const format = req.response_format ? formatOf(req.response_format) : undefined;
  return {
    messages: req.messages.map(messageOf),
    model: req.model,
    ...(req.tools?.length && { tools: req.tools.map(toolOf) }),
    ...(req.tool_choice != null && { tool_choice: choiceOf(req.tool_choice) }),
    ...(format && { response_format: format }),
    ...(maxTokens !== undefined && { max_tokens: maxTokens }),
    ...(req.temperature != null && { temperature: req.temperature }),
    ...(req.seed != null && { seed: req.seed }),
    metadata: { via: 'openai-gateway', ...(req.user && { user: req.user }), ...(req.metadata ?? {}) },
  };
}
