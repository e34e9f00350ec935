import { describeIssues, LlmosError, z, type ContentBlock, type Message, type ResponseFormat, type TaskInput, type ToolChoice, type ToolDefinition } from '../../src/plugin-api/index.js';

const ContentPart = z.object({ type: z.string(), text: z.string().optional(), image_url: z.object({ url: z.string() }).passthrough().optional() }).passthrough();
const ToolCall = z.object({ id: z.string(), type: z.literal('function').optional(), function: z.object({ name: z.string(), arguments: z.string() }) }).passthrough();
const FunctionTool = z.object({ type: z.literal('function'), function: z.object({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }) });
const NamedChoice = z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) });
const LegacyFunction = FunctionTool.shape.function;
const LegacyCall = z.object({ name: z.string(), arguments: z.string() });
const Format = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({ type: z.literal('json_schema'), json_schema: z.object({ name: z.string(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }) }),
]);

/** Choices one request may ask for (n); each is a sibling process. */
export const MAX_N = 16;

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
          function_call: LegacyCall.nullish(),
          name: z.string().optional(),
        }).passthrough(),
      )
      .min(1),
    tools: z.array(FunctionTool).nullish(),
    tool_choice: z.union([z.enum(['auto', 'none', 'required']), NamedChoice]).nullish(),
    functions: z.array(LegacyFunction).nullish(),
    function_call: z.union([z.enum(['auto', 'none']), z.object({ name: z.string() })]).nullish(),
    response_format: Format.nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).passthrough().nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    max_completion_tokens: z.number().int().min(1).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    seed: z.number().int().nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    n: z.number().int().min(1).max(MAX_N).nullish(),
    user: z.string().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
  })
  .passthrough();
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
type ChatMessage = ChatRequest['messages'][number];

const invalid = (what: string, param?: string) => new LlmosError('LLMOS_EINVAL', `invalid chat.completions request: ${what}`, param ? { param } : {});

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

function toolUse(call: { id: string; function: { name: string; arguments: string } }, i: number): ContentBlock {
  let input: unknown;
  try {
    input = JSON.parse(call.function.arguments || '{}');
  } catch {
    throw invalid(`messages.${i}.tool_calls: arguments of "${call.id}" are not JSON; send the arguments the model produced.`);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw invalid(`messages.${i}.tool_calls: arguments of "${call.id}" must be a JSON object.`);
  return { type: 'tool_use', id: call.id, name: call.function.name, input: input as Record<string, unknown> };
}

/** The id a legacy function_call gets: its function message answers the latest call of that name. */
const legacyId = (name: string, i: number) => `call_${name}_${i}`;

/** A legacy role:"function" message answers the latest assistant function_call of its name before it. */
function functionResult(m: ChatMessage, i: number, all: readonly ChatMessage[]): Message {
  if (!m.name) throw invalid(`messages.${i}: a function message needs name.`);
  let at = -1;
  for (let j = i - 1; j >= 0 && at < 0; j--) if (all[j].function_call?.name === m.name) at = j;
  if (at < 0) throw invalid(`messages.${i}: no earlier assistant function_call of "${m.name}" for this function message to answer.`);
  return { role: 'tool', content: [{ type: 'tool_result', tool_use_id: legacyId(m.name, at), content: typeof m.content === 'string' ? m.content : '' }] };
}

/** One OpenAI message as a core message: developer is system, a tool message is a tool_result, tool_calls (or a legacy function_call) are tool_use blocks. */
function messageOf(m: ChatMessage, i: number, all: readonly ChatMessage[]): Message {
  if (m.role === 'function') return functionResult(m, i, all);
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw invalid(`messages.${i}: a tool message needs tool_call_id.`);
    const content = contentOf(m.content, i);
    return { role: 'tool', content: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: typeof content === 'string' ? content : content.filter((b) => b.type === 'text') }] };
  }
  const content = contentOf(m.content, i);
  const calls = m.tool_calls?.length ? m.tool_calls : m.function_call ? [{ id: legacyId(m.function_call.name, i), function: m.function_call }] : [];
  if (m.role === 'assistant' && calls.length) {
    const blocks = typeof content === 'string' ? (content ? [{ type: 'text' as const, text: content }] : []) : content;
    return { role: 'assistant', content: [...blocks, ...calls.map((c) => toolUse(c, i))] };
  }
  return { role: m.role === 'developer' ? 'system' : m.role, content };
}

const toolOf = (f: z.infer<typeof LegacyFunction>): ToolDefinition => ({
  name: f.name,
  ...(f.description !== undefined && { description: f.description }),
  input_schema: f.parameters ?? { type: 'object', properties: {} },
});

const choiceOf = (c: NonNullable<ChatRequest['tool_choice']>): ToolChoice => (typeof c === 'string' ? c : { type: 'tool', name: c.function.name });
const legacyChoiceOf = (c: NonNullable<ChatRequest['function_call']>): ToolChoice => (typeof c === 'string' ? c : { type: 'tool', name: c.name });

/** tools and tool_choice, or the legacy functions and function_call as the same. */
function toolsOf(req: ChatRequest): Pick<TaskInput, 'tools' | 'tool_choice'> {
  if (req.functions?.length && req.tools?.length) throw invalid('send tools or the legacy functions, not both.');
  const tools = req.tools?.length ? req.tools.map((t) => toolOf(t.function)) : req.functions?.length ? req.functions.map(toolOf) : undefined;
  const choice = req.tool_choice != null ? choiceOf(req.tool_choice) : req.function_call != null ? legacyChoiceOf(req.function_call) : undefined;
  return { ...(tools && { tools }), ...(choice && { tool_choice: choice }) };
}

/** Whether the request uses the legacy functions form, so that answers come as function_call. */
export const usesLegacyFunctions = (req: ChatRequest): boolean => !!req.functions?.length;

function formatOf(f: NonNullable<ChatRequest['response_format']>): ResponseFormat | undefined {
  if (f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  const s = f.json_schema;
  return { type: 'json_schema', name: s.name, schema: s.schema ?? {}, ...(s.description !== undefined && { description: s.description }), ...(s.strict != null && { strict: s.strict }) };
}

/** Parses a request body; throws LLMOS_EINVAL naming the fields to fix. */
export function parseChatRequest(body: unknown): ChatRequest {
  const r = ChatRequestSchema.safeParse(body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the request body must be a JSON object with "model" and "messages"; send one with Content-Type: application/json.');
  if (!r.success) throw invalid(`${describeIssues(r.error, '(body)')}. Fix the named fields and send again.`, String(r.error.issues[0]?.path[0] ?? ''));
  return r.data;
}

/** The sampling fields a request sets, as task fields. */
function samplingOf(req: ChatRequest): Partial<TaskInput> {
  const stop = typeof req.stop === 'string' ? [req.stop] : req.stop;
  return {
    ...(req.temperature != null && { temperature: req.temperature }),
    ...(req.seed != null && { seed: req.seed }),
    ...(stop?.length && { stop }),
    ...(req.presence_penalty != null && { presence_penalty: req.presence_penalty }),
    ...(req.frequency_penalty != null && { frequency_penalty: req.frequency_penalty }),
    ...(req.logprobs && { logprobs: true, ...(req.top_logprobs != null && { top_logprobs: req.top_logprobs }) }),
  };
}

/** The LLMOS task for a chat request, in the core message model; proc_spawn validates and bounds it. */
export function taskOf(req: ChatRequest): TaskInput {
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  const format = req.response_format ? formatOf(req.response_format) : undefined;
  if (req.top_logprobs != null && !req.logprobs) throw invalid('top_logprobs needs logprobs: true.', 'top_logprobs');
  return {
    messages: req.messages.map((m, i, all) => messageOf(m, i, all)),
    model: req.model,
    ...toolsOf(req),
    ...(format && { response_format: format }),
    ...(maxTokens !== undefined && { max_tokens: maxTokens }),
    ...samplingOf(req),
    metadata: { ...(req.metadata ?? {}), via: 'openai-gateway', ...(req.user && { user: req.user }) },
  };
}
