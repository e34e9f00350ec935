import { LlmosError, z, type Message, type TaskInput } from '../../src/plugin-api/index.js';

const ContentPart = z.object({ type: z.string(), text: z.string().optional() }).passthrough();

/** The part of OpenAI's chat.completions request LLMOS honours; unknown fields are ignored. */
export const ChatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z
      .array(
        z.object({
          role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
          content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
        }).passthrough(),
      )
      .min(1),
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

const invalid = (what: string) => new LlmosError('LLMOS_EINVAL', `invalid chat.completions request: ${what}`);

function textOf(content: ChatRequest['messages'][number]['content'], i: number): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type !== 'text' || typeof part.text !== 'string') throw invalid(`messages.${i}.content: only text parts are supported, not "${part.type}"; send text.`);
      return part.text;
    })
    .join('');
}

/** Parses a request body; throws LLMOS_EINVAL naming the fields to fix. */
export function parseChatRequest(body: unknown): ChatRequest {
  const r = ChatRequestSchema.safeParse(body);
  if (!r.success) throw invalid(`${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}. Fix the named fields and send again.`);
  if ((r.data.n ?? 1) !== 1) throw invalid('n must be 1; send one request per completion.');
  return r.data;
}

/** The LLMOS task for a chat request: same transcript, "auto" or a concrete model id. */
export function taskOf(req: ChatRequest): TaskInput {
  const messages: Message[] = req.messages.map((m, i) => {
    if (m.role === 'tool' || m.role === 'function') throw invalid(`messages.${i}.role "${m.role}" is not supported; LLMOS tasks carry system, user and assistant messages.`);
    return { role: m.role === 'developer' ? 'system' : m.role, content: textOf(m.content, i) };
  });
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? undefined;
  return {
    messages,
    model: req.model,
    ...(maxTokens !== undefined && { max_tokens: maxTokens }),
    ...(req.temperature != null && { temperature: req.temperature }),
    ...(req.seed != null && { seed: req.seed }),
    metadata: { via: 'openai-gateway', ...(req.user && { user: req.user }), ...(req.metadata ?? {}) },
  };
}
