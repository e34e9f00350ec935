import { procRecord, stopForEndedRequest, type KernelApi, type SyscallContext } from '../../src/plugin-api/index.js';
import type { Group } from './group.js';

/** Streamed tokens are reported once every this many, per child. */
const TOKEN_EVERY = 16;

/** The group's record with metadata.collab lifted out to `collab`. */
export function collabOutput(g: Group) {
  g.refresh();
  const rec = procRecord(g.parent);
  const { collab: _collab, ...metadata } = rec.task.metadata;
  return { ...rec, task: { ...rec.task, metadata }, collab: g.detail };
}

/**
 * Relays the tree's progress to the client: state changes of the group and of
 * each child, every TOKEN_EVERY-th streamed token, and the body's own notes
 * ("quorum reached", "round 2 of 3"). Returns the function that stops it.
 */
export function relayProgress(k: KernelApi, g: Group, ctx: SyscallContext): () => void {
  let step = 0;
  const send = (message: string) => ctx.progress({ progress: ++step, message });
  const unwatch = k.watch(g.parent.pid, (e) => {
    const q = e.proc;
    if (e.type === 'token' && q.streamed % TOKEN_EVERY !== 1) return;
    if (q.pid === g.parent.pid) return send(`group ${q.pid} ${q.state}${q.exit ? ` (${q.exit})` : ''}`);
    const what = `child ${q.pid} (${g.roleOf(q.pid) ?? 'child'}, ${q.model ?? q.task.model})`;
    send(e.type === 'token' ? `${what} streamed ${q.streamed} tokens` : `${what} ${q.state}${q.exit ? ` (${q.exit})` : ''}`);
  }, { tokens: ctx.reportsProgress ?? false });
  const unnote = g.onNote(send);
  return () => {
    unwatch();
    unnote();
  };
}

/**
 * Answers a collab syscall: with wait:false the group's record at once; else
 * blocks until the group exits (reporting progress), up to timeoutMs (then
 * LLMOS_ETIMEDOUT and the work goes on). Cancelling the request kills the tree.
 */
export async function answer(k: KernelApi, g: Group, wait: boolean, timeoutMs: number, ctx: SyscallContext) {
  if (!wait) {
    await Promise.race([g.ready, g.settled]);
    return collabOutput(g);
  }
  const stop = relayProgress(k, g, ctx);
  const onCancel = () => k.kill(g.parent.pid, stopForEndedRequest(g.parent.pid, ctx.signal.reason));
  ctx.signal.addEventListener('abort', onCancel, { once: true });
  try {
    await k.wait(g.parent.pid, timeoutMs, ctx.signal);
    await g.settled;
    return collabOutput(g);
  } catch (e) {
    if (!ctx.signal.aborted) throw e;
    throw stopForEndedRequest(g.parent.pid, ctx.signal.reason);
  } finally {
    stop();
    ctx.signal.removeEventListener('abort', onCancel);
  }
}
