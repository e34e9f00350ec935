import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { toLlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Reader, ResourceEntry } from '../core/resource.js';

const json = (uri: string, body: unknown) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] });

async function read(r: ResourceEntry, uri: URL, vars: Record<string, string | string[]>, reader: Reader) {
  try {
    const flat = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    const body = await r.read(uri.href, flat, reader);
    if (r.mimeType && typeof body === 'string') return { contents: [{ uri: uri.href, mimeType: r.mimeType, text: body, ...(r.meta && { _meta: r.meta }) }] };
    return json(uri.href, body);
  } catch (e) {
    const err = toLlmosError(e);
    throw new McpError(ErrorCode.InvalidParams, `${err.code}: ${err.message}`, err.toJSON());
  }
}

/**
 * Refuses (as a read would: the same coded error) a subscription to a
 * resource the reader may not read, e.g. another owner's llmos://proc/{pid},
 * so its change notifications never reach a session that may not see it.
 */
async function mayWatch(kernel: Kernel, uri: string, reader: Reader): Promise<void> {
  for (const r of kernel.resources.list()) {
    const vars = r.uri === uri ? {} : r.template ? new UriTemplate(r.template).match(uri) : null;
    if (vars) await read(r, new URL(uri), vars, reader);
  }
}

/**
 * Exposes the kernel's resource table, with completion on template variables
 * and per-session subscriptions: a subscribed uri gets
 * notifications/resources/updated whenever the kernel reports it changed.
 * Returns a function that drops this session's listeners.
 */
export function registerResources(mcp: McpServer, kernel: Kernel, reader: Reader): () => void {
  for (const r of kernel.resources.list()) {
    const meta = { title: r.title, description: r.description, mimeType: r.mimeType ?? 'application/json' };
    if (r.uri) mcp.registerResource(r.name, r.uri, meta, (uri) => read(r, uri, {}, reader));
    else
      mcp.registerResource(
        r.name,
        new ResourceTemplate(r.template!, {
          list: r.list ? () => ({ resources: r.list!(reader).map((x) => ({ ...x, mimeType: 'application/json' })) }) : undefined,
          complete: r.complete ? Object.fromEntries(Object.entries(r.complete).map(([k, f]) => [k, async (v: string) => f(v, reader)])) : undefined,
        }),
        meta,
        (uri, vars) => read(r, uri, vars, reader),
      );
  }
  const subscribed = new Set<string>();
  mcp.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  mcp.server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    await mayWatch(kernel, req.params.uri, reader);
    subscribed.add(req.params.uri);
    return {};
  });
  mcp.server.setRequestHandler(UnsubscribeRequestSchema, (req) => (subscribed.delete(req.params.uri), {}));
  const onChange = (uri: string) => {
    if (subscribed.has(uri)) void mcp.server.sendResourceUpdated({ uri }).catch(() => undefined);
  };
  kernel.on('resource', onChange);
  return () => kernel.off('resource', onChange);
}
