import { z } from 'zod';
import { LlmosError } from './errors.js';
import type { ProcView } from './process.js';
import { describeIssues } from './errors.js';
import type { Task } from './task.js';
import type { ModelInfo } from './model.js';

export interface Allocation {
  /** A model id from the candidates. */
  model: string;
  /** One sentence a person can read, kept for alloc_explain. */
  reason: string;
  /** Score per candidate model id, higher is better. */
  scores: Record<string, number>;
  /** The profiled task fields that decided the choice, with the profile's confidence in each (rules allocators fill it). */
  decided_by?: Record<string, { value: string; confidence?: number }>;
}

/** The feedback an exit gives the allocator that chose its model. */
export function exitFeedback(p: ProcView): AllocationFeedback {
  return {
    pid: p.pid,
    task: p.task,
    model: p.model!,
    ok: p.exit === 'ok',
    latency_ms: (p.finished ?? Date.now()) - (p.started ?? p.created),
    cost_usd: p.usage.cost_usd,
    completion_tokens: p.usage.completion_tokens,
  };
}

export interface AllocationContext {
  now: number;
  proc: ProcView;
}

export interface AllocationFeedback {
  pid: number;
  task: Task;
  model: string;
  ok: boolean;
  /** Quality in [0, 1] when known (proc_feedback, evals). */
  reward?: number;
  latency_ms: number;
  cost_usd: number;
  completion_tokens: number;
}

/**
 * Decides WHICH model a process runs on. Candidates are healthy models that
 * can take the task; the allocator must return one of their ids.
 */
export interface Allocator {
  readonly name: string;
  choose(task: Task, candidates: readonly ModelInfo[], ctx: AllocationContext): Allocation | Promise<Allocation>;
  /** Outcome of an allocation: exits, proc_feedback and eval results. */
  feedback?(event: AllocationFeedback): void;
  /** Applies runtime parameters from alloc_set (e.g. {lambda: 0.5}); throws LLMOS_EINVAL on a bad one. */
  configure?(params: Record<string, unknown>): void;
  snapshot?(): Record<string, unknown>;
}

export type AllocatorFactory = () => Allocator;

/**
 * Checks alloc_set params against what an allocator takes: every key must be
 * known and in range, or the call fails with LLMOS_EINVAL naming the key.
 */
export function checkParams<S extends z.ZodRawShape>(allocator: string, shape: S, params: Record<string, unknown>): Partial<z.output<z.ZodObject<S>>> {
  const r = z.object(shape).partial().strict().safeParse(params);
  if (!r.success) throw new LlmosError('LLMOS_EINVAL', `alloc_set params for "${allocator}": ${describeIssues(r.error)}. It takes ${Object.keys(shape).join(', ')}.`);
  return r.data as Partial<z.output<z.ZodObject<S>>>;
}
