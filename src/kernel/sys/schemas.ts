import { z } from 'zod';

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
  result: z.object({ text: z.string(), finish_reason: z.string() }).nullable(),
  error: z.object({ code: z.string(), message: z.string(), data: z.record(z.string(), z.unknown()).optional() }).nullable(),
  children: z.array(z.number().int()),
});

export const Pid = z.number().int().positive().describe('A process id from proc_spawn or proc_list.');
export const TimeoutMs = (dflt: number, max: number) => z.number().int().min(1).max(max).default(dflt).describe('How long to wait, in ms.');
