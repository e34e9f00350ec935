import type { z } from 'zod';

export interface SyscallAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** What a handler knows of its caller. */
export interface SyscallContext {
  /** The MCP session or client the call came from; processes are owned by it. */
  owner: string;
  /**
   * Aborted when the client cancels the request or disconnects; the reason,
   * when the transport can tell, is an LlmosError whose data.cause is
   * 'cancel' or 'disconnect' (see exit-cause.ts requestEnded).
   */
  signal: AbortSignal;
  /** Reports progress when the client asked for it; a no-op otherwise. */
  progress(update: { progress: number; total?: number; message?: string }): void;
  /** Whether the client asked for progress (so streamed tokens are worth following). */
  reportsProgress?: boolean;
  /** Per-session services (e.g. the client's own model through sampling). */
  session?: Record<string, unknown>;
}

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** One row of the syscall table; MCP tools are generated from these. */
export interface Syscall<I extends ObjectSchema = ObjectSchema, O extends ObjectSchema = ObjectSchema> {
  /** snake_case area_verb, at most 40 characters. */
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  /**
   * Whether it only reads: annotations.readOnlyHint true means it changes
   * nothing, so a server started --read-only still offers it; anything
   * else (false or absent) hides it there.
   */
  annotations: SyscallAnnotations;
  /**
   * The toolset it belongs to (proc, models, kg, alloc, sched, collab,
   * admin, or a plugin's own): LLMOS_TOOLSETS enables tools by toolset.
   * Absent: the plugin's area (the part of its name before the first "-"),
   * or for a kernel syscall the part of its name before the first "_".
   */
  toolset?: string;
  /** Changes server-wide settings: only admin owners may call it (LLMOS_EPERM otherwise). */
  admin?: boolean;
  /** The MCP tool's _meta, e.g. an MCP App's {ui: {resourceUri}} naming the UI resource hosts render next to the result. */
  meta?: Record<string, unknown>;
  /** The text content a plain client reads (a table, say); the output as JSON when absent. structuredContent is the output either way. */
  text?(out: z.output<O>): string;
  handler(args: z.output<I>, ctx: SyscallContext): z.input<O> | Promise<z.input<O>>;
  /**
   * When an output reports a failure (e.g. a process that exited failed),
   * the error the call is reported as: the client sees a tool error whose
   * text starts with its code, with the output still attached.
   */
  failure?(out: z.output<O>): { code: string; message: string } | undefined;
}

/** Identity helper that infers handler types from the schemas. */
export const defineSyscall = <I extends ObjectSchema, O extends ObjectSchema>(s: Syscall<I, O>): Syscall<I, O> => s;
