import type { ProcView, Task } from '../index.js';

/** A ProcView the test harness may change, as the kernel changes its own processes. */
export type FakeProcess = { -readonly [K in keyof ProcView]: ProcView[K] } & { task: Task; usage: { prompt_tokens: number; completion_tokens: number; cost_usd: number } };
import { contractTask } from './tasks.js';

export interface FakeProcessInit {
  pid: number;
  owner?: string;
  /** 0 is most urgent, 9 least; overrides task.priority. */
  priority?: number;
  /** When it became ready (ms); also its creation time. */
  readyAt?: number;
  /** Task fields over a one-prompt default ({prompt: 'hello', max_tokens: 256, model: 'auto'}). */
  task?: Partial<Task>;
}

/**
 * A stand-in for a kernel process, holding the fields schedulers and
 * allocators read: pid, ppid, owner, kind, state, task (and priority from
 * it), created, readyAt, started, finished, exit, model, usage, attempts,
 * signal. Code under test sees it as a read-only ProcView, as it sees a
 * kernel process; only the harness changes it.
 */
export function fakeProcess(init: FakeProcessInit): FakeProcess {
  const task: Task = contractTask(init.task);
  if (init.priority !== undefined) task.priority = init.priority;
  const at = init.readyAt ?? 0;
  const view = {
    pid: init.pid,
    ppid: 0,
    owner: init.owner ?? 'owner',
    kind: 'task',
    state: 'ready',
    task,
    created: at,
    readyAt: at,
    attempts: [],
    usage: { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 },
    streamed: 0,
    children: [],
    controller: new AbortController(),
    get priority(): number {
      return this.task.priority;
    },
    get signal(): AbortSignal {
      return this.controller.signal;
    },
  };
  return view as unknown as FakeProcess;
}

export interface FakeExit {
  /** The model it ran on. */
  model: string;
  ok: boolean;
  completion_tokens: number;
  started: number;
  finished: number;
}

/** Records an exit on a fake process the way the kernel does before Scheduler.onExit and Allocator.feedback. */
export function fakeExit(p: FakeProcess, e: FakeExit): void {
  p.state = 'exited';
  p.exit = e.ok ? 'ok' : 'failed';
  p.model = e.model;
  p.started = e.started;
  p.finished = e.finished;
  p.usage.completion_tokens = e.completion_tokens;
  p.usage.prompt_tokens = Math.ceil((p.task.prompt ?? '').length / 4);
}
