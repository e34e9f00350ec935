import { z } from 'zod';
import { ContentBlockSchema, type ContentBlock } from './message.js';
import type { Completion, TokenLogprobs } from './model.js';
import type { Task } from './task.js';

/**
 * The whole lifecycle: new → ready → blocked ⇄ running → exited. A process
 * leaves READY when the dispatcher picks it, before any await: BLOCKED while
 * it waits for admission (allocator, context, budget, rate, slot), RUNNING on
 * a model, BLOCKED again before a retry; a preempted one goes back to READY.
 * Any live state may exit.
 */
export type ProcState = 'new' | 'ready' | 'running' | 'blocked' | 'exited';
export type ExitStatus = 'ok' | 'failed' | 'killed' | 'timeout';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
}
export interface Attempt {
  model: string;
  version: string;
  started: number;
  /** Unix ms of the first streamed token; set only when the call streamed (someone watched its tokens). */
  first_token?: number;
  finished?: number;
  error?: { code: string; message: string };
}
/** A coded error as recorded on a process; data holds its figures (sizes, limits). */
export interface ProcError {
  code: string;
  message: string;
  data?: Record<string, unknown>;
}
export interface ProcResult {
  text: string;
  /** The answer as blocks when it has more than text (tool_use); see Completion.content. */
  content?: ContentBlock[];
  finish_reason: string;
  /** The stop sequence that ended the answer, when the backend said (see Completion.stop_sequence). */
  stop_sequence?: string;
  /** Set when the task asked for logprobs. */
  logprobs?: TokenLogprobs;
  /** Set for an embed task: one vector per text. */
  embeddings?: number[][];
}

/** What a successful call leaves on its process. */
export const resultOf = (c: Completion): ProcResult => ({
  text: c.text,
  ...(c.content && { content: c.content }),
  finish_reason: c.finish_reason,
  ...(c.stop_sequence !== undefined && { stop_sequence: c.stop_sequence }),
  ...(c.logprobs && { logprobs: c.logprobs }),
  ...(c.embeddings && { embeddings: c.embeddings }),
});

/**
 * A process as everything outside the kernel sees it: read-only. The kernel
 * alone changes a process's state (see KernelApi for what plugins may ask).
 */
export interface ProcView {
  readonly pid: number;
  readonly ppid: number;
  readonly owner: string;
  /** 'task' runs on a model; 'group' only parents children (collaboration) and never runs itself. */
  readonly kind: 'task' | 'group';
  readonly state: ProcState;
  readonly exit?: ExitStatus;
  readonly task: Readonly<Task>;
  /** task.priority: 0 most urgent, 9 least. */
  readonly priority: number;
  readonly created: number;
  readonly started?: number;
  readonly finished?: number;
  /** Time it became ready (last enqueue), for schedulers that age or measure waits. */
  readonly readyAt: number;
  readonly model?: string;
  readonly attempts: readonly Readonly<Attempt>[];
  readonly usage: Readonly<Usage>;
  /** Completion tokens streamed so far by the current attempt. */
  readonly streamed: number;
  readonly result?: Readonly<ProcResult>;
  readonly error?: Readonly<ProcError>;
  readonly children: readonly number[];
  /** The quality it was rated, in [0, 1] (proc_feedback or an eval); a process is rated once. */
  readonly rating?: number;
  /** Why the allocator chose the model; read by alloc_explain. */
  readonly allocation?: Readonly<ProcAllocation>;
  /** Aborted when the process is killed or passes its deadline. */
  readonly signal: AbortSignal;
}

export interface ProcAllocation {
  model: string;
  reason: string;
  scores: Record<string, number>;
  /** The profiled task fields that decided, with their confidence (see Allocation.decided_by). */
  decided_by?: Record<string, { value: string; confidence?: number }>;
}

/** What a watcher of one pid hears. */
export type ProcWatchEvent = { type: 'state'; proc: ProcView } | { type: 'token'; proc: ProcView; text: string };

/** The JSON form every proc_* syscall returns. */
export function procRecord(p: ProcView) {
  return {
    pid: p.pid,
    ppid: p.ppid,
    kind: p.kind,
    state: p.state,
    exit: p.exit ?? null,
    owner: p.owner,
    priority: p.task.priority,
    task: {
      type: p.task.type ?? null,
      language: p.task.language ?? null,
      target_language: p.task.target_language ?? null,
      code_language: p.task.code_language ?? null,
      domain: p.task.domain ?? [],
      model: p.task.model,
      max_tokens: p.task.max_tokens,
      metadata: p.task.metadata,
    },
    model: p.model ?? null,
    created: p.created,
    started: p.started ?? null,
    finished: p.finished ?? null,
    attempts: p.attempts.map((a) => ({ ...a, finished: a.finished ?? null, error: a.error ?? null })),
    usage: { ...p.usage },
    result: p.result ?? null,
    error: p.error ?? null,
    children: [...p.children],
  };
}
export type ProcRecord = ReturnType<typeof procRecord>;

/** The process record every proc_* syscall returns (see procRecord()). */
export const ProcRecordSchema = z.object({
  pid: z.number().int(),
  ppid: z.number().int(),
  kind: z.enum(['task', 'group']),
  state: z.enum(['new', 'ready', 'running', 'blocked', 'exited']),
  exit: z.enum(['ok', 'failed', 'killed', 'timeout']).nullable(),
  owner: z.string(),
  priority: z.number().int(),
  task: z.object({
    type: z.string().nullable(),
    language: z.string().nullable(),
    target_language: z.string().nullable(),
    code_language: z.string().nullable(),
    domain: z.array(z.string()),
    model: z.string(),
    max_tokens: z.number().int(),
    metadata: z.record(z.string(), z.unknown()),
  }),
  model: z.string().nullable(),
  created: z.number(),
  started: z.number().nullable(),
  finished: z.number().nullable(),
  attempts: z.array(
    z.object({
      model: z.string(),
      version: z.string(),
      started: z.number(),
      finished: z.number().nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), cost_usd: z.number() }),
  result: z.object({ text: z.string(), content: z.array(ContentBlockSchema).optional(), finish_reason: z.string(), stop_sequence: z.string().optional() }).nullable(),
  error: z.object({ code: z.string(), message: z.string(), data: z.record(z.string(), z.unknown()).optional() }).nullable(),
  children: z.array(z.number().int()),
});

/** How a process that was stopped by `reason` exits: 'timeout' for a deadline or call timeout, else 'killed'. */
export const exitStatusOf = (reason: { code: string }): Extract<ExitStatus, 'killed' | 'timeout'> => (reason.code === 'LLMOS_ETIMEDOUT' ? 'timeout' : 'killed');
