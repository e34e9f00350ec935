import { RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY } from '@modelcontextprotocol/ext-apps/server';
import { defineSyscall, z, type KernelApi, type ResourceEntry } from '../../src/plugin-api/index.js';
import { topAppHtml } from './top-app.js';
import { procRow } from './views.js';

/** The MCP App resource hosts render beside proc_top's result. */
export const TOP_URI = 'ui://llmos/top';

const Row = z.object({
  pid: z.number().int(),
  ppid: z.number().int(),
  state: z.string(),
  exit: z.string().nullable(),
  owner: z.string(),
  model: z.string(),
  priority: z.number().int(),
  wait_ms: z.number(),
  tokens_in: z.number(),
  tokens_out: z.number(),
  cost_usd: z.number(),
  prompt: z.string(),
});
const Out = z.object({ owner: z.string(), admin: z.boolean(), at: z.number(), running: z.number().int(), waiting: z.number().int(), procs: z.array(Row) });
type TopOut = z.output<typeof Out>;

const pad = (s: string | number, n: number) => String(s).slice(0, n).padEnd(n);

/** The same view as text, for clients that render no UI: a `top`-style table. */
export function topText(o: TopOut): string {
  const head = `${o.running} running, ${o.waiting} waiting — ${o.owner}${o.admin ? ' (admin: every owner)' : ''}`;
  const cols = `${pad('PID', 6)} ${pad('STATE', 14)} ${pad('OWNER', 16)} ${pad('MODEL', 18)} ${pad('WAIT', 8)} ${pad('TOK IN/OUT', 11)} ${pad('COST $', 10)} PROMPT`;
  const rows = o.procs.map((p) => `${pad(p.pid, 6)} ${pad(p.exit ? `exited/${p.exit}` : p.state, 14)} ${pad(p.owner, 16)} ${pad(p.model, 18)} ${pad(`${p.wait_ms}ms`, 8)} ${pad(`${p.tokens_in}/${p.tokens_out}`, 11)} ${pad(p.cost_usd.toFixed(6), 10)} ${p.prompt.slice(0, 40)}`);
  return [head, cols, ...rows].join('\n');
}

/** proc_top: the caller's processes (an admin's: everyone's), newest first; an MCP App in hosts that render one. */
export function topSyscall(kernel: KernelApi) {
  return defineSyscall({
    name: 'proc_top',
    toolset: 'proc',
    title: 'Process monitor',
    description: 'Shows your processes like top (an admin sees every owner\'s), newest first: state, owner, model, queue wait, tokens and cost. Hosts that support MCP Apps show it as a live table; others get the same rows as text.',
    input: z.object({ limit: z.number().int().min(1).max(200).default(30).describe('Rows to return, newest first.') }),
    output: Out,
    annotations: { readOnlyHint: true, idempotentHint: true },
    meta: { ui: { resourceUri: TOP_URI }, [RESOURCE_URI_META_KEY]: TOP_URI },
    text: topText,
    handler: ({ limit }, ctx) => {
      const admin = kernel.isAdmin(ctx.owner);
      const rows = [...kernel.procs()].filter((p) => admin || p.owner === ctx.owner).map((p) => procRow(p));
      const procs = rows.slice(-limit).reverse().map(({ pid, ppid, state, exit, owner, model, priority, wait_ms, tokens_in, tokens_out, cost_usd, prompt }) => ({ pid, ppid, state, exit, owner, model, priority, wait_ms, tokens_in, tokens_out, cost_usd, prompt }));
      const live = rows.filter((r) => r.state !== 'exited');
      return { owner: ctx.owner, admin, at: Date.now(), running: live.filter((r) => r.state === 'running').length, waiting: live.filter((r) => r.state !== 'running').length, procs };
    },
  });
}

/** The UI resource: one self-contained HTML page (the ext-apps App class inlined). */
export function topResource(): ResourceEntry {
  let html: string | undefined;
  return {
    name: 'proc-top-app',
    title: 'Process monitor (MCP App)',
    description: 'The proc_top view as an MCP App: a live process table hosts render beside the conversation.',
    uri: TOP_URI,
    mimeType: RESOURCE_MIME_TYPE,
    read: () => (html ??= topAppHtml()),
  };
}
