import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { ErrorCode, GetPromptRequestSchema, ListPromptsRequestSchema, McpError, type GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { LlmosError, toLlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import { PROMPTS, type PromptArg, type PromptDef } from './prompts.js';
import { requireExposed } from './toolsets.js';

/** Longest prompt argument, in characters (examples run longest). */
export const MAX_PROMPT_ARG_CHARS = 32_000;
/** Most completion values one answer holds (the protocol's own limit). */
const MAX_COMPLETIONS = 100;

/** Whether `owner` is offered every tool the prompt's message uses: loaded, in an enabled toolset, and allowed by its policy. */
function offered(kernel: Kernel, owner: string, p: PromptDef): boolean {
  return p.tools.every((t) => {
    try {
      requireOffered(kernel, owner, p, t);
      return true;
    } catch {
      return false;
    }
  });
}

function requireOffered(kernel: Kernel, owner: string, p: PromptDef, tool: string): void {
  if (!kernel.syscalls.get(tool)) throw new LlmosError('LLMOS_ENOSYS', `prompt ${p.name} uses ${tool}, which no loaded plugin provides; add the plugin that does to the config.`);
  requireExposed(kernel, tool);
  if (!kernel.syscalls.mayCall(owner, tool)) throw new LlmosError('LLMOS_EPERM', `prompt ${p.name} uses ${tool}, which "${owner}" may not call; ask an admin for it (policy_set).`);
}

/** The completions for one argument value: its choices for this caller that start with what is typed (for a list, its last item). */
export function completions(kernel: Kernel, owner: string, arg: PromptArg, typed: string): string[] {
  const choices = arg.choices?.(kernel, owner) ?? [];
  const done = arg.list ? typed.split(',').slice(0, -1) : [];
  const last = arg.list ? (typed.split(',').at(-1) ?? '').trimStart() : typed;
  return choices.filter((c) => c.startsWith(last)).slice(0, MAX_COMPLETIONS).map((c) => [...done, c].join(','));
}

/** The arguments, checked against the prompt's declarations; throws LLMOS_EINVAL naming the argument and what it takes. */
export function checkArgs(kernel: Kernel, owner: string, p: PromptDef, given: Record<string, unknown>): Record<string, string> {
  const bad = (msg: string) => new LlmosError('LLMOS_EINVAL', `prompt ${p.name}: ${msg}`);
  const unknown = Object.keys(given).filter((k) => !(k in p.args));
  if (unknown.length) throw bad(`unknown argument ${JSON.stringify(unknown[0].slice(0, 40))}; it takes ${Object.keys(p.args).join(', ')}.`);
  const out: Record<string, string> = {};
  for (const [name, arg] of Object.entries(p.args)) {
    const v = given[name];
    if (v === undefined || v === '') {
      if (arg.required) throw bad(`argument "${name}" is required (${arg.description}).`);
      continue;
    }
    if (typeof v !== 'string' || v.length > MAX_PROMPT_ARG_CHARS) throw bad(`argument "${name}" must be text of at most ${MAX_PROMPT_ARG_CHARS} characters.`);
    if (arg.number && !(Number(v) > 0 && Number.isFinite(Number(v)))) throw bad(`argument "${name}" must be a positive number, not ${JSON.stringify(v.slice(0, 40))}.`);
    if (arg.closed) {
      const choices = arg.choices?.(kernel, owner) ?? [];
      const items = arg.list ? v.split(',').map((s) => s.trim()) : [v];
      const wrong = items.find((i) => !choices.includes(i));
      if (wrong !== undefined) throw bad(`argument "${name}" has ${JSON.stringify(wrong.slice(0, 64))}, not one of ${choices.slice(0, 20).join(', ') || '(none available)'}; completion/complete lists them.`);
    }
    out[name] = v;
  }
  return out;
}

/** The prompt's message for `owner`, or the coded refusal as an MCP error (InvalidParams, text starting with the code). */
async function getPrompt(kernel: Kernel, owner: string, name: string, given: Record<string, unknown>): Promise<GetPromptResult> {
  try {
    const p = PROMPTS.find((d) => d.name === name);
    if (!p) throw new LlmosError('LLMOS_EINVAL', `unknown prompt ${JSON.stringify(name.slice(0, 64))}; prompts/list names the ones offered (${PROMPTS.map((d) => d.name).join(', ')}).`);
    for (const t of p.tools) requireOffered(kernel, owner, p, t);
    const text = await p.text(kernel, owner, checkArgs(kernel, owner, p, given));
    return { description: p.description, messages: [{ role: 'user', content: { type: 'text', text } }] };
  } catch (e) {
    const err = toLlmosError(e);
    throw new McpError(ErrorCode.InvalidParams, `${err.code}: ${err.message}`, err.toJSON());
  }
}

/**
 * Serves the prompts `owner` is offered (those whose tools it is offered,
 * fixed when the session starts), with completion/complete on their
 * arguments limited to what the caller may see, and prompts/get answered
 * with coded errors (LLMOS_EINVAL for bad arguments) instead of the SDK's own.
 */
export function registerPrompts(mcp: McpServer, kernel: Kernel, owner: string): void {
  const shown = PROMPTS.filter((p) => offered(kernel, owner, p));
  for (const p of shown) {
    const shape = Object.fromEntries(
      Object.entries(p.args).map(([name, arg]) => {
        const text = arg.required ? z.string() : z.string().optional();
        return [name, completable(text.describe(arg.description), (typed) => completions(kernel, owner, arg, typed ?? ''))];
      }),
    );
    mcp.registerPrompt(p.name, { title: p.title, description: p.description, argsSchema: shape }, () => ({ messages: [] }));
  }
  if (!shown.length) {
    mcp.server.registerCapabilities({ prompts: {} });
    mcp.server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: [] }));
  }
  mcp.server.setRequestHandler(GetPromptRequestSchema, (req) => getPrompt(kernel, owner, req.params.name, req.params.arguments ?? {}));
}
