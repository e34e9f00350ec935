import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describeIssues, LlmosError, toLlmosError } from '../core/errors.js';
import { procRecord, type ProcView } from '../core/process.js';
import type { SyscallContext } from '../core/syscall.js';
import type { Kernel } from '../kernel/kernel.js';
import { params } from '../kernel/params.js';
import { errorResult, outputResult } from './tool-result.js';

/** Task metadata key marking a group process that stands for one tool call; its value is the syscall's name. */
export const TOOL_CALL_KEY = 'llmos/tool_call';

/** Who starts a call in the background: the owner and its session's services (no request signal: the call outlives its request). */
export type CallerContext = Pick<SyscallContext, 'owner' | 'session'>;

/**
 * Starts syscall `name` as a process the caller owns and returns its pid at
 * once, before the work is done:
 *  - proc_spawn is its own process (spawned without waiting);
 *  - any other syscall runs inside a group process standing for the call
 *    (kind 'group', metadata TOOL_CALL_KEY), whose signal is the call's: a
 *    kill stops the call. When the call ends the group exits with the tool
 *    result as JSON in result.text (exit 'failed' with the error for a tool
 *    error), so the journal keeps it across restarts.
 * Throws the coded error when proc_spawn refuses at once (input, policy, queue).
 */
export async function startToolCallProcess(kernel: Kernel, name: string, args: Record<string, unknown>, caller: CallerContext): Promise<number> {
  const quiet = { ...caller, signal: new AbortController().signal, progress: () => undefined };
  if (name === 'proc_spawn') {
    const out = await kernel.syscalls.dispatch(name, { ...args, wait: false }, quiet);
    return out.pid as number;
  }
  refuseEarly(kernel, name, args, caller.owner);
  const group = kernel.spawnGroup({ prompt: `tools/call ${name}`, metadata: { [TOOL_CALL_KEY]: name } }, caller.owner);
  void runInGroup(kernel, group.proc, name, args, { ...quiet, signal: group.proc.signal });
  return group.proc.pid;
}

/**
 * What dispatch would refuse at once (permission, input), refused before a
 * group process exists; and at most LLMOS_MAX_LIVE_TASKS live calls per owner, so
 * calls that outlive their requests cannot pile up.
 */
function refuseEarly(kernel: Kernel, name: string, args: Record<string, unknown>, owner: string): void {
  const s = kernel.syscalls.get(name);
  if (!s) return; // dispatch reports the unknown name
  if (s.admin) kernel.perms.requireAdmin(owner, name);
  else if (!kernel.perms.isAdmin(owner)) kernel.policy.requireSyscall(owner, name);
  const parsed = s.input.safeParse(args);
  if (!parsed.success) throw new LlmosError('LLMOS_EINVAL', `invalid input to ${name}: ${describeIssues(parsed.error)}. Fix the named fields and call again.`);
  let live = 0;
  for (const p of kernel.procs.scan()) if (p.owner === owner && p.state !== 'exited' && p.task.metadata[TOOL_CALL_KEY] !== undefined) live++;
  if (live >= params.maxLiveTasks) throw new LlmosError('LLMOS_EQUEUEFULL', `"${owner}" has ${live} tool calls running as tasks, the most allowed; wait for one with tasks/get or cancel one with tasks/cancel, then call again.`, { owner, live, limit: params.maxLiveTasks });
}

async function runInGroup(kernel: Kernel, p: ProcView, name: string, args: Record<string, unknown>, ctx: SyscallContext): Promise<void> {
  let result: CallToolResult;
  try {
    result = outputResult(kernel, name, await kernel.syscalls.dispatch(name, args, ctx));
  } catch (e) {
    result = errorResult(toLlmosError(e));
  }
  const proc = kernel.procs.get(p.pid);
  if (!proc || proc.state === 'exited') return; // killed meanwhile: the kill's reason is the outcome
  const text = JSON.stringify(result);
  const err = result._meta?.['llmos/error'] as { code: string; message: string } | undefined;
  if (result.isError) kernel.procs.exit(proc, 'failed', { result: { text, finish_reason: 'error' }, error: err ?? { code: 'LLMOS_EINTERNAL', message: `${name} failed.` } });
  else kernel.procs.exit(proc, 'ok', { result: { text, finish_reason: 'stop' } });
}

/** Longest wait for a process that is asked for its result (a killed one exits once its call unwinds). */
const EXIT_WAIT_MS = 60_000;

/**
 * The tool result of a process, waiting for it to exit: what the call that
 * started it answers (see startToolCallProcess); for any other process, its
 * record as proc_wait answers it.
 */
export async function toolCallResult(kernel: Kernel, pid: number): Promise<CallToolResult> {
  let p = kernel.procs.must(pid);
  if (p.state !== 'exited') p = await kernel.procs.wait(pid, EXIT_WAIT_MS, kernel.stopping);
  if (p.task.metadata[TOOL_CALL_KEY] === undefined) return outputResult(kernel, 'proc_spawn', procRecord(p));
  if (!p.result) return errorResult(p.error ?? new LlmosError('LLMOS_EKILLED', `process ${pid} exited ${p.exit} before its call finished.`, { pid }));
  try {
    return JSON.parse(p.result.text) as CallToolResult;
  } catch {
    return errorResult(new LlmosError('LLMOS_EINTERNAL', `the stored result of process ${pid} is not JSON; this is a bug, please report it.`, { pid }));
  }
}
