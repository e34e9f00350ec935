import { createHash } from 'node:crypto';
import { normalizeObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import type { ListToolsResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Kernel } from '../kernel/kernel.js';
import { toolName } from './tool-name.js';

/** The last tools/list answer per syscall table, with the names it was made from. */
const cache = new WeakMap<object, { key: string; result: ListToolsResult }>();

const jsonSchema = (schema: unknown, pipeStrategy: 'input' | 'output') => {
  const obj = normalizeObjectSchema(schema as never);
  return obj ? (toJsonSchemaCompat(obj, { strictUnions: true, pipeStrategy }) as Tool['inputSchema']) : undefined;
};

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
 * The tools/list answer for the kernel's syscall table, shaped as the SDK's
 * own (title, description, JSON Schemas, annotations). Converting the zod
 * schemas takes a second of CPU, so it is made once per table and reused by
 * every session until a syscall is added or removed.
 */
export function listTools(kernel: Kernel): ListToolsResult {
  const syscalls = kernel.syscalls.list();
  const key = syscalls.map((s) => toolName(s.name)).join(',');
  const hit = cache.get(kernel.syscalls);
  if (hit?.key === key) return hit.result;
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
  const result = { tools };
  cache.set(kernel.syscalls, { key, result });
  return result;
}
