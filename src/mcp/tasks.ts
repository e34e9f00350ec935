/**
 * MCP Tasks (protocol revision 2025-11-25, the SDK's experimental API) mapped
 * onto the process table: the one adapter between the two. When Tasks move
 * into a protocol extension, only this file changes.
 *
 * The mapping:
 *  - a task is a process; its taskId is the pid in decimal. A task-augmented
 *    tools/call of a tool listed with taskSupport "optional" (proc_spawn,
 *    collab_*, model_eval) starts the call as a process (proc-call.ts) and
 *    answers CreateTaskResult at once; the same call without `task` runs as
 *    before;
 *  - tasks/get: status follows the process (live → working; exit ok →
 *    completed; killed by tasks/cancel → cancelled; anything else → failed);
 *  - tasks/result: the tool result the plain call would have answered;
 *  - tasks/cancel: kills the process (and its children) with cause "cancel";
 *  - tasks/list: the caller's processes in pid order.
 * The process table and its journal are the store, so tasks survive a
 * restart as their processes do (ttl null: a task lives as long as its
 * record, LLMOS_MAX_FINISHED). A task is visible to its owner only: any
 * other session gets "task not found", as for a task that never existed.
 */
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { CreateTaskResult, Task } from '@modelcontextprotocol/sdk/experimental/tasks/types.js';
import { ErrorCode, McpError, type ListToolsResult, type Result } from '@modelcontextprotocol/sdk/types.js';
import { LlmosError, toLlmosError } from '../core/errors.js';
import { causeOf } from '../core/exit-cause.js';
import type { ProcView } from '../core/process.js';
import type { Kernel } from '../kernel/kernel.js';
import { startToolCallProcess, toolCallResult, type CallerContext } from './proc-call.js';

/** How often a client should poll tasks/get, ms (also how often tasks/result looks again). */
const POLL_MS = 500;
/** Most tasks one tasks/list page holds. */
const LIST_PAGE = 100;

/** Syscalls whose tools may be called as tasks: the ones that run processes for long. */
const isTaskTool = (syscall: string) => syscall === 'proc_spawn' || syscall === 'model_eval' || syscall.startsWith('collab_');

/** What the server declares and uses for Tasks: the capability, and a task store bound to the session's owner. */
export function taskServerOptions(kernel: Kernel, owner: string) {
  return {
    capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
    taskStore: new ProcessTaskStore(kernel, owner),
    defaultTaskPollInterval: POLL_MS,
  };
}

const listed = new WeakMap<ListToolsResult, ListToolsResult>();

/** The tools/list answer with taskSupport "optional" on the task tools (`syscallOf` maps a tool name back). */
export function withTaskSupport(list: ListToolsResult, syscallOf: (tool: string) => string | undefined): ListToolsResult {
  const hit = listed.get(list);
  if (hit) return hit;
  const tools = list.tools.map((t) => (isTaskTool(syscallOf(t.name) ?? '') ? { ...t, execution: { taskSupport: 'optional' as const } } : t));
  const out = { ...list, tools };
  listed.set(list, out);
  return out;
}

/** Whether a tools/call asks to run as a task. */
export const isTaskRequest = (params: { task?: unknown }): boolean => params.task !== undefined;

/**
 * Answers a task-augmented tools/call: starts the call as a process and
 * returns the task. A tool that does not support tasks, or a call refused
 * at once (input, policy, queue), is a JSON-RPC error whose message starts
 * with the LLMOS code.
 */
export async function createToolTask(kernel: Kernel, syscall: string, args: Record<string, unknown>, caller: CallerContext): Promise<CreateTaskResult> {
  if (!isTaskTool(syscall))
    throw new McpError(ErrorCode.MethodNotFound, `LLMOS_EINVAL: ${syscall} does not run as a task; call it without "task" (task tools: proc_spawn, collab_*, model_eval).`);
  try {
    const pid = await startToolCallProcess(kernel, syscall, args, caller);
    return { task: taskOf(kernel.procs.must(pid)) };
  } catch (e) {
    refuseTask(e);
  }
}

/** How a task-augmented call refused before it had a task is answered: a JSON-RPC error whose message starts with the LLMOS code. */
export function refuseTask(e: unknown): never {
  if (e instanceof McpError) throw e;
  const err = toLlmosError(e);
  throw new McpError(ErrorCode.InvalidParams, `${err.code}: ${err.message}`, err.toJSON());
}

const cancelledByClient = (p: ProcView) => causeOf(p.signal.reason) === 'cancel' || p.error?.data?.cause === 'cancel';

function statusOf(p: ProcView): Task['status'] {
  if (p.state !== 'exited') return p.signal.aborted && cancelledByClient(p) ? 'cancelled' : 'working';
  if (p.exit === 'ok') return 'completed';
  return p.exit === 'killed' && cancelledByClient(p) ? 'cancelled' : 'failed';
}

function taskOf(p: ProcView): Task {
  const status = statusOf(p);
  const iso = (t: number) => new Date(t).toISOString();
  return {
    taskId: String(p.pid),
    status,
    ttl: null,
    createdAt: iso(p.created),
    lastUpdatedAt: iso(p.finished ?? p.started ?? p.created),
    pollInterval: POLL_MS,
    statusMessage: p.state === 'exited' ? (p.error ? `${p.error.code}: ${p.error.message}` : `process ${p.pid} exited ${p.exit}`) : `process ${p.pid} is ${p.state}`,
  };
}

/**
 * The SDK's TaskStore over the process table, for one owner. The SDK's own
 * tasks/get, tasks/result, tasks/cancel and tasks/list handlers call it;
 * tasks are created by createToolTask, never through createTask.
 */
class ProcessTaskStore implements TaskStore {
  constructor(
    private readonly kernel: Kernel,
    private readonly owner: string,
  ) {}

  /** The owner's process behind a task id, or undefined (unknown and foreign alike). */
  private proc(taskId: string): ProcView | undefined {
    if (!/^[1-9]\d{0,15}$/.test(taskId)) return undefined;
    const p = this.kernel.procs.get(Number(taskId));
    return p && p.owner === this.owner ? p : undefined;
  }

  createTask(_params: CreateTaskOptions): Promise<Task> {
    return Promise.reject(new LlmosError('LLMOS_EINTERNAL', 'tasks are processes: they are created by a task-augmented tools/call only.'));
  }

  async getTask(taskId: string): Promise<Task | null> {
    const p = this.proc(taskId);
    return p ? taskOf(p) : null;
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const p = this.proc(taskId);
    if (!p) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    return toolCallResult(this.kernel, p.pid);
  }

  storeTaskResult(): Promise<void> {
    return Promise.reject(new LlmosError('LLMOS_EINTERNAL', 'a task result is its process outcome; it is not stored separately.'));
  }

  /** Only "cancelled" changes anything: it kills the process, recorded as the client's cancel. */
  async updateTaskStatus(taskId: string, status: Task['status']): Promise<void> {
    const p = this.proc(taskId);
    if (!p || status !== 'cancelled') return;
    this.kernel.kill(p.pid, new LlmosError('LLMOS_EKILLED', `process ${p.pid} was killed: its client cancelled the task (tasks/cancel).`, { pid: p.pid, cause: 'cancel', by: this.owner }));
  }

  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const after = cursor && /^\d{1,16}$/.test(cursor) ? Number(cursor) : 0;
    const tasks: Task[] = [];
    for (const p of this.kernel.procs.scan(after)) {
      if (p.owner !== this.owner) continue;
      tasks.push(taskOf(p));
      if (tasks.length === LIST_PAGE) return { tasks, nextCursor: String(p.pid) };
    }
    return { tasks };
  }
}
