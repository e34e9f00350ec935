import { estimatePromptTokens, MessageSchema, sendError, sendJson, serveAsProcesses, ToolChoiceSchema, ToolDefinitionSchema, z, describeIssues, LlmosError, type HttpRequest, type HttpRouter, type KernelApi, type PromptParts } from '../../src/plugin-api/index.js';
import { anthropicProtocol, anthropicRefusal } from './anthropic-errors.js';
import { messageStreamShape } from './message-response.js';
import { parseCountRequest, parseMessagesRequest, promptOf, taskOf } from './messages-request.js';

export interface AnthropicGatewayOptions {
  /** Owner of the processes the gateway spawns (budgets, proc_list owner filter); a named user's requests are user:<name>'s. */
  owner: string;
  /** Anthropic model names (as Claude Code and the SDKs send them) → LLMOS model ids or "auto". */
  models: Record<string, string>;
  /** Where a model name that is neither an LLMOS model nor in `models` goes ("auto", or a model id); unset: such names are refused with not_found_error. */
  default_model?: string;
  /** How long streamed events may wait to share a socket write (0: every event at once). */
  stream_flush_ms?: number;
}

/** The LLMOS model a requested name runs on: an LLMOS model id or "auto" as is, else the configured mapping, else the default. */
export function modelFor(kernel: KernelApi, name: string, o: AnthropicGatewayOptions): string {
  if (name === 'auto' || kernel.model(name)) return name;
  return o.models[name] ?? o.default_model ?? name;
}

const PromptSchema = z.object({ messages: z.array(MessageSchema).min(1), tools: z.array(ToolDefinitionSchema).optional(), tool_choice: ToolChoiceSchema.optional() });

/** count_tokens: the prompt's tokens as the model it would run on reads them; for "auto" (no model chosen yet) the kernel's estimate. */
async function countTokens(kernel: KernelApi, req: HttpRequest, o: AnthropicGatewayOptions): Promise<{ input_tokens: number }> {
  const r = parseCountRequest(req.body);
  const parsed = PromptSchema.safeParse(promptOf(r));
  if (!parsed.success) throw new LlmosError('LLMOS_EINVAL', `invalid count_tokens request: ${describeIssues(parsed.error, '(body)')}. Fix the named fields and send again.`);
  const prompt: PromptParts = parsed.data;
  const model = modelFor(kernel, r.model, o);
  if (model === 'auto') return { input_tokens: estimatePromptTokens(prompt) };
  const m = kernel.mustModel(model);
  if (m.info.owner) throw new LlmosError('LLMOS_ENOMODEL', `no model "${r.model.slice(0, 200)}" is served here; send one LLMOS serves, or "auto".`);
  return { input_tokens: await kernel.countPrompt(model, prompt) };
}

/**
 * Anthropic's Messages API under /v1/messages, claimed so that every answer
 * there (auth and size refusals included) is Anthropic-shaped. Every
 * message is an LLMOS process spawned through proc_spawn, as
 * /v1/chat/completions does: admission, budgets, policy, the scheduler.
 */
export function mountAnthropicRoutes(app: HttpRouter, kernel: KernelApi, o: AnthropicGatewayOptions): void {
  app.claim('/v1/messages', anthropicRefusal);
  app.post('/v1/messages', (req, res) =>
    serveAsProcesses(kernel, req, res, o.owner, anthropicProtocol, (body) => {
      const m = parseMessagesRequest(body);
      const stream = m.stream === true;
      const shape = messageStreamShape();
      return { task: taskOf(m, modelFor(kernel, m.model, o)), n: 1, stream, includeUsage: false, shape };
    }, o.stream_flush_ms),
  );
  app.post('/v1/messages/count_tokens', async (req, res) => {
    try {
      sendJson(res, 200, await countTokens(kernel, req, o));
    } catch (e) {
      sendError(res, anthropicProtocol, e);
    }
  });
}
