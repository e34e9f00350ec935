import type { ServerResponse } from 'node:http';
import { LlmosError } from '../../core/errors.js';
import { Stops } from '../../core/exit-cause.js';
import type { HttpRequest } from '../../core/http.js';
import type { KernelApi } from '../../core/kernel-api.js';
import type { ProcView as Process } from '../../core/process.js';
import type { SyscallContext } from '../../core/syscall.js';
import { exitErrorOf, sendError, sendJson } from './http-out.js';
import type { GatewayProtocol, Plan, ResponseShape } from './plan.js';
import { streamTo } from './stream.js';

const disconnected = (pid: number) => Stops.disconnected(pid);
const noProgress = () => {};

/** Kills the siblings that have not exited. */
export const killLive = (kernel: KernelApi, ps: readonly Process[], reason: (pid: number) => LlmosError = disconnected) => {
  for (const p of ps) if (p.state !== 'exited') kernel.kill(p.pid, reason(p.pid));
};

/** Whether the client went away while its processes were being spawned; the signal is built only when a syscall reads it. */
class EarlyClose {
  closed = false;
  private controller?: AbortController;
  private static readonly reason = () => new LlmosError('LLMOS_EKILLED', 'the client disconnected before its process was spawned.');

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.closed) this.controller.abort(EarlyClose.reason());
    }
    return this.controller.signal;
  }

  close(): void {
    this.closed = true;
    this.controller?.abort(EarlyClose.reason());
  }
}

/**
 * Spawns the task `n` times through the syscall table's proc_spawn
 * {wait:false}, as an MCP client would (spawn hooks, input size limit,
 * permission checks, task validation). When one spawn fails, those already
 * spawned are killed and the failure is thrown.
 */
async function spawnAll(kernel: KernelApi, plan: Plan, owner: string, gone: EarlyClose): Promise<Process[]> {
  const ctx: SyscallContext = {
    owner,
    get signal() {
      return gone.signal;
    },
    progress: noProgress,
  };
  const ps: Process[] = [];
  try {
    // stream: the call streams from its start, whether or not it starts before this request watches it.
    // Object.assign, not a spread followed by more keys: V8 builds that object in a slow mode, and parsing it took 7 µs more.
    const input = Object.assign({}, plan.task, plan.stream ? { stream: true, wait: false } : { wait: false });
    for (let i = 0; i < plan.n; i++) ps.push(kernel.mustProc((await kernel.syscall('proc_spawn', input, ctx)).pid as number));
  } catch (e) {
    killLive(kernel, ps, (pid) => new LlmosError('LLMOS_EKILLED', `a sibling of process ${pid} could not be spawned; the request failed.`));
    throw e;
  }
  return ps;
}

/** Answers once every sibling has exited: all ok is the whole response; the first failure kills the rest and is the answer. */
function answerWhole(kernel: KernelApi, ps: Process[], res: ServerResponse, shape: ResponseShape, protocol: GatewayProtocol, onEnd: () => void): () => void {
  const headers = { 'x-llmos-pid': ps[0].pid };
  let answered = false;
  const check = () => {
    if (answered) return;
    const failed = ps.find((p) => p.state === 'exited' && p.exit !== 'ok');
    if (!failed && ps.some((p) => p.state !== 'exited')) return;
    answered = true;
    onEnd();
    if (!failed) return sendJson(res, 200, shape.whole(ps), headers);
    killLive(kernel, ps, (pid) => new LlmosError('LLMOS_EKILLED', `sibling process ${failed.pid} failed; process ${pid} was killed.`));
    const { status, body, headers: more } = protocol.error(exitErrorOf(failed));
    sendJson(res, status, body, { ...headers, ...more });
  };
  const unwatch = ps.map((p) => kernel.watch(p.pid, (e) => e.type === 'state' && e.proc === p && p.state === 'exited' && check(), { tokens: false }));
  queueMicrotask(check); // some ended while proc_spawn answered: after the caller holds unwatch
  return () => unwatch.forEach((u) => u());
}

/**
 * Serves one request of a gateway as processes: parses it (`plan`), spawns
 * its siblings owned by the caller (a named user's requests are theirs,
 * budget included), answers whole or streamed in the protocol's shape
 * (token events batched up to `flushMs`, see BatchedWrites). A client that
 * disconnects before the end kills them.
 */
export async function serveAsProcesses(kernel: KernelApi, req: HttpRequest, res: ServerResponse, owner: string, protocol: GatewayProtocol, plan: (body: unknown) => Plan, flushMs?: number): Promise<void> {
  let ps: Process[];
  let p: Plan;
  const gone = new EarlyClose();
  const onEarlyClose = () => gone.close();
  res.once('close', onEarlyClose);
  try {
    p = plan(req.body);
    ps = await spawnAll(kernel, p, req.user ? `user:${req.user}` : owner, gone);
  } catch (e) {
    return sendError(res, protocol, e);
  } finally {
    res.off('close', onEarlyClose);
  }
  if (gone.closed) return killLive(kernel, ps);
  const onClose = () => (killLive(kernel, ps), unwatch());
  const done = () => (unwatch(), res.off('close', onClose));
  const unwatch = p.stream ? streamTo(kernel, ps, res, p, protocol, done, flushMs) : answerWhole(kernel, ps, res, p.shape, protocol, done);
  res.once('close', onClose);
}
