import { createHash } from 'node:crypto';
import type { ListToolsResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Kernel } from '../kernel/kernel.js';
import type { z } from 'zod';
import { toolName } from './tool-name.js';
import { toolSchema } from './tool-schema.js';
import { exposes, exposureOf } from './toolsets.js';

/** The last full tools/list answer per syscall table, with the names it was made from (syscall names, in order). */
const cache = new WeakMap<object, { key: string; syscalls: string[]; result: ListToolsResult }>();

const jsonSchema = (schema: z.ZodType | undefined, io: 'input' | 'output') => (schema ? (toolSchema(schema, io) as Tool['inputSchema']) : undefined);

/**
 * The output schema with a `$id` named after its content. Several tools
 * return the same record (proc_spawn, proc_get, proc_wait, …); clients that
 * cache compiled validators by `$id` (the SDK's Ajv validator does) then
 * compile each distinct schema once, which cuts a third off the SDK client's
 * first listTools(). Equal ids mean equal schemas, so ids never clash.
 */
function withContentId(schema: Tool['inputSchema']): Tool['inputSchema'] {
  const id = `urn:llmos:schema:${createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32)}`;
  return { $id: id, ...schema } as Tool['inputSchema'];
}

/**
 * The tools/list answer `owner` gets: only the tools the server offers (its
 * enabled toolsets, read-only ones when it runs --read-only; see
 * toolsets.ts) and it may call (admin-only ones for admins, the rest as its
 * policy allows; see SyscallTable.mayCall), so a client never offers its
 * model a tool that can only be refused. Read at each request, so a
 * policy_set shows at the next tools/list.
 */
export function listTools(kernel: Kernel, owner: string): ListToolsResult {
  const { syscalls, result } = allTools(kernel);
  const exposure = exposureOf(kernel);
  const allowed = syscalls.map((name) => exposes(exposure, kernel.syscalls.get(name)!) && kernel.syscalls.mayCall(owner, name));
  return allowed.every(Boolean) ? result : { tools: result.tools.filter((_, i) => allowed[i]) };
}

/**
 * Every syscall of the kernel's table as a tool, shaped as the SDK's own
 * (title, description, JSON Schemas, annotations). Converting the zod
 * schemas takes a second of CPU, so it is made once per table and reused by
 * every session until a syscall is added or removed.
 */
export function allTools(kernel: Kernel): { syscalls: string[]; result: ListToolsResult } {
  const syscalls = kernel.syscalls.list();
  const key = syscalls.map((s) => toolName(s.name)).join(',');
  const hit = cache.get(kernel.syscalls);
  if (hit?.key === key) return hit;
  const tools: Tool[] = syscalls.map((s) => {
    const outputSchema = s.output && jsonSchema(s.output, 'output');
    return {
      name: toolName(s.name),
      title: s.title,
      description: s.description,
      inputSchema: jsonSchema(s.input, 'input') ?? { type: 'object', properties: {} },
      annotations: { title: s.title, ...s.annotations },
      ...(outputSchema && { outputSchema: withContentId(outputSchema) }),
      ...(s.meta && { _meta: s.meta }),
    };
  });
  const entry = { key, syscalls: syscalls.map((s) => s.name), result: { tools } };
  cache.set(kernel.syscalls, entry);
  return entry;
}
