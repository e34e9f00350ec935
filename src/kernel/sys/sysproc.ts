import { z } from 'zod';
import { LlmosError } from '../../core/errors.js';
import { trailingThrottle } from '../../core/trailing-throttle.js';
import { params } from '../params.js';
import { procRecord } from '../../core/process.js';
import { type Process } from '../proc.js';
import { defineSyscall, type SyscallContext } from '../../core/syscall.js';
import { TaskFields, type Task } from '../../core/task.js';
import type { Kernel } from '../kernel.js';
import { Pid, TimeoutMs } from './schemas.js';
import { ProcRecordSchema } from '../../core/process.js';
import { afterExitHooks, spawnHookArgs, spawnInput } from './spawnhooks.js';
import { causeOf, stopForEndedRequest, Stops } from '../../core/exit-cause.js';
import type { ProcRecord } from '../../core/process.js';

/** A record of a process that exited other than ok is reported as its error (see Syscall.failure). */
const exitFailure = (r: ProcRecord) => (r.exit && r.exit !== 'ok' ? (r.error ?? { code: 'LLMOS_EKILLED', message: `process ${r.pid} exited ${r.exit}.` }) : undefined);

/** The process, if the caller may read it (its owner or an admin): prompts and results are private. */
function readable(k: Kernel, pid: number, ctx: SyscallContext): Process {
  const p = k.procs.must(pid);
  k.perms.requireOwner(ctx.owner, p, 'read');
  return p;
}

/**
 * Waits for exit, reporting state changes and streamed tokens as progress.
 * With killOnCancel, a request that ends early (cancel, disconnect) kills the
 * process with that cause. A server shutdown ends the wait with
 * LLMOS_EUNAVAILABLE: the process is not killed but put back (see Kernel.shutdown).
 */
async function waitReporting(k: Kernel, p: Process, timeoutMs: number, ctx: SyscallContext, killOnCancel: boolean) {
  let step = 0;
  const report = (q: Process) => ctx.progress({ progress: ++step, message: `pid ${q.pid} ${q.state}${q.streamed ? `, ${q.streamed} tokens streamed` : ''}` });
  // One notification per token would be one write per token to the client, which halves an in-process model's speed (README, "Where the time went").
  const tokens = trailingThrottle(report, params.progressEveryMs);
  const unwatch = k.procs.watch(p.pid, (e) => (e.type === 'token' ? tokens(e.proc) : (tokens.cancel(), report(e.proc))), { tokens: ctx.reportsProgress ?? false });
  const onCancel = () => killOnCancel && k.kill(p.pid, stopForEndedRequest(p.pid, ctx.signal.reason));
  ctx.signal.addEventListener('abort', onCancel, { once: true });
  try {
    return procRecord(await k.procs.wait(p.pid, timeoutMs, AbortSignal.any([ctx.signal, k.stopping])));
  } catch (e) {
    if (ctx.signal.aborted) throw killOnCancel ? stopForEndedRequest(p.pid, ctx.signal.reason) : new LlmosError('LLMOS_EKILLED', `request cancelled; process ${p.pid} keeps running.`, { pid: p.pid, cause: causeOf(ctx.signal.reason) ?? 'cancel' });
    if (k.stopping.aborted) throw k.stopping.reason;
    throw e;
  } finally {
    unwatch();
    tokens.cancel();
    ctx.signal.removeEventListener('abort', onCancel);
  }
}

const SpawnBase = TaskFields.extend({
  wait: z.boolean().default(false).describe('Return once it exits.'),
  timeout_ms: TimeoutMs(params.defaultWaitMs, params.maxWaitMs),
});

export const procSyscalls = (k: Kernel) => [
  defineSyscall({
    name: 'proc_spawn',
    toolset: 'proc',
    title: 'Spawn a process',
    description: 'Delegate a prompt to a model (model "auto": the allocator picks). Returns the pid; wait:true returns the finished record with result and usage. A failed process is a tool error starting with its code.',
    /** The task fields plus every spawn hook's fields (a getter: hooks register after the core syscalls). */
    get input() {
      return spawnInput(k, SpawnBase);
    },
    output: ProcRecordSchema,
    failure: exitFailure,
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    async handler({ wait, timeout_ms, ...rest }, ctx) {
      const { task, hooks } = spawnHookArgs(k, rest);
      // The input schema holds the task's fields and refinements: `task` is a parsed Task. One a hook rewrote is parsed again.
      const parsed = task as Task;
      let t = parsed;
      for (const [h, args] of hooks) if (h.beforeSpawn) t = await h.beforeSpawn(t, args, { owner: ctx.owner });
      const p = t === parsed ? k.spawnValid(t, ctx.owner) : k.spawn(t, ctx.owner);
      const after = afterExitHooks(k, p, hooks);
      if (!wait) return procRecord(p);
      await waitReporting(k, p, timeout_ms, ctx, true);
      await after;
      return procRecord(p);
    },
  }),
  defineSyscall({
    name: 'proc_wait',
    toolset: 'proc',
    title: 'Wait for a process',
    description: 'Wait for a spawned process to finish and get its result. After timeout_ms: LLMOS_ETIMEDOUT, and it keeps running.',
    input: z.object({ pid: Pid, timeout_ms: TimeoutMs(params.defaultWaitMs, params.maxWaitMs) }),
    output: ProcRecordSchema,
    failure: exitFailure,
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: ({ pid, timeout_ms }, ctx) => waitReporting(k, readable(k, pid, ctx), timeout_ms, ctx, false),
  }),
  defineSyscall({
    name: 'proc_kill',
    toolset: 'proc',
    title: 'Kill a process',
    description: 'Stop a process you own, and its children, aborting its model call.',
    input: z.object({ pid: Pid }),
    output: ProcRecordSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    handler({ pid }, ctx) {
      k.perms.requireOwner(ctx.owner, k.procs.must(pid), 'kill');
      return procRecord(k.kill(pid, Stops.killedBy(pid, ctx.owner)));
    },
  }),
  defineSyscall({
    name: 'proc_get',
    toolset: 'proc',
    title: 'Get a process',
    description: 'Get a process now, without waiting: state, model, usage, result or error.',
    input: z.object({ pid: Pid }),
    output: ProcRecordSchema,
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: ({ pid }, ctx) => procRecord(readable(k, pid, ctx)),
  }),
  defineSyscall({
    name: 'proc_list',
    toolset: 'proc',
    title: 'List processes',
    description: 'List your processes (an admin: anyone\'s), by state; pass next_cursor as cursor for more.',
    input: z.object({
      state: z.enum(['new', 'ready', 'running', 'blocked', 'exited']).optional(),
      owner: z.string().optional().describe('"self": the caller.'),
      limit: z.number().int().min(1).max(params.maxListLimit).default(params.defaultListLimit),
      cursor: z.number().int().min(0).default(0),
    }),
    output: z.object({ procs: z.array(ProcRecordSchema), next_cursor: z.number().int().nullable() }),
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler({ state, owner, limit, cursor }, ctx) {
      let who = owner === 'self' ? ctx.owner : owner;
      if (!k.perms.isAdmin(ctx.owner)) {
        if (who !== undefined && who !== ctx.owner) k.perms.requireAdmin(ctx.owner, `listing the processes of "${who}"`);
        who = ctx.owner;
      }
      const procs = [];
      for (const p of k.procs.scan(cursor)) {
        if ((state && p.state !== state) || (who && p.owner !== who)) continue;
        procs.push(procRecord(p));
        if (procs.length === limit) break;
      }
      const last = procs.at(-1)?.pid;
      return { procs, next_cursor: procs.length === limit && last !== undefined ? last : null };
    },
  }),
  defineSyscall({
    name: 'proc_nice',
    toolset: 'proc',
    title: 'Change priority',
    description: 'Change the priority of a process you own (0 most urgent, 9 least).',
    input: z.object({ pid: Pid, priority: z.number().int().min(0).max(9) }),
    output: ProcRecordSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    handler({ pid, priority }, ctx) {
      k.perms.requireOwner(ctx.owner, k.procs.must(pid), 'renice');
      return procRecord(k.nice(pid, priority));
    },
  }),
];
