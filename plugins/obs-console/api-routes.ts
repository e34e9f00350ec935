import type { ServerResponse } from 'node:http';
import { LlmosError, type HttpRequest, type HttpRouter, type KernelApi, type PerfTable } from '../../src/plugin-api/index.js';
import { callerOf, contextFor } from './caller.js';
import type { ExitHistory } from './history.js';
import type { LiveFeed } from './live.js';
import { fail, json, openSse } from './respond.js';
import { procRow, snapshot } from './views.js';

export interface ConsoleDeps {
  kernel: KernelApi;
  history: ExitHistory;
  feed: LiveFeed;
  perf: () => PerfTable | undefined;
  /** Owner of a caller with no named user (shared token, or an open loopback server). */
  sharedOwner: string;
  maxRows: number;
  maxStreams: number;
}

const pidOf = (req: HttpRequest): number => {
  const pid = Number(req.params?.id);
  if (!Number.isSafeInteger(pid) || pid < 1) throw new LlmosError('LLMOS_EINVAL', `"${String(req.params?.id).slice(0, 40)}" is not a pid; use a positive integer from the process table.`);
  return pid;
};

/** Runs a handler, answering any failure as a coded JSON error. */
const guarded = (fn: (req: HttpRequest, res: ServerResponse) => unknown) => async (req: HttpRequest, res: ServerResponse) => {
  try {
    await fn(req, res);
  } catch (e) {
    fail(res, e);
  }
};

/** GET /ui/api/events: the caller's snapshot now and whenever processes or models change. */
function events(d: ConsoleDeps) {
  return guarded((req, res) => {
    if (d.feed.size >= d.maxStreams) throw new LlmosError('LLMOS_EBUSY', `the console already serves ${d.maxStreams} live streams; close a tab or retry later.`);
    const caller = callerOf(d.kernel, req, d.sharedOwner);
    const sse = openSse(res);
    const push = () => void snapshot(d.kernel, caller, d.history, d.perf(), d.maxRows).then((s) => sse.send('snapshot', s), (e: unknown) => d.kernel.log.warn({ err: String(e) }, 'console snapshot failed'));
    push();
    const remove = d.feed.add(push);
    req.socket.once('close', remove);
  });
}

/** GET /ui/api/stream/{pid}: a process's streamed tokens and state changes, until it exits. */
function tokens(d: ConsoleDeps) {
  return guarded((req, res) => {
    const caller = callerOf(d.kernel, req, d.sharedOwner);
    const p = d.kernel.mustProc(pidOf(req));
    d.kernel.requireOwner(caller.owner, p, 'watch');
    const sse = openSse(res);
    sse.send('state', procRow(p));
    if (p.state === 'exited') return sse.send('end', { text: p.result?.text ?? '' }), sse.close();
    const unwatch = d.kernel.watch(p.pid, (e) => {
      if (e.proc.pid !== p.pid) return;
      if (e.type === 'token') return sse.sendLater('token', { text: e.text });
      sse.send('state', procRow(e.proc));
      if (e.proc.state === 'exited') unwatch(), sse.send('end', { text: e.proc.result?.text ?? '' }), sse.close();
    });
    req.socket.once('close', () => (unwatch(), sse.cancel()));
  });
}

/** The console's data routes under /ui/api, every one behind the bearer token and the permission model. */
export function mountApi(router: HttpRouter, d: ConsoleDeps): void {
  const k = d.kernel;
  const who = (req: HttpRequest) => callerOf(k, req, d.sharedOwner);
  router.claim('/ui/api', (e) => ({ error: { code: e.code, message: e.message } }));
  router.get('/ui/api/me', guarded((req, res) => json(res, 200, who(req))));
  router.get('/ui/api/snapshot', guarded(async (req, res) => json(res, 200, await snapshot(k, who(req), d.history, d.perf(), d.maxRows))));
  router.get('/ui/api/events', events(d));
  router.get('/ui/api/stream/*', tokens(d));
  router.get('/ui/api/explain/*', guarded(async (req, res) => json(res, 200, await k.syscall('alloc_explain', { pid: pidOf(req) }, contextFor(req, who(req).owner)))));
  router.post('/ui/api/kill', guarded(async (req, res) => json(res, 200, await k.syscall('proc_kill', { pid: (req.body as { pid?: unknown } | undefined)?.pid }, contextFor(req, who(req).owner)))));
  router.get('/ui/api/kg/search', guarded(async (req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
    json(res, 200, await k.syscall('kg_search', { query, limit: 20 }, contextFor(req, who(req).owner)));
  }));
  router.get('/ui/api/kg/node/*', guarded(async (req, res) => json(res, 200, await k.syscall('kg_open_nodes', { names: [req.params?.id ?? ''] }, contextFor(req, who(req).owner)))));
}
