import { z } from 'zod';
import { Errors, LlmosError, toLlmosError } from './errors.js';
import { params } from './params.js';
import type { Permissions } from './permissions.js';

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
  /** Aborted when the client cancels the request or disconnects. */
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
  annotations: SyscallAnnotations;
  /** Changes server-wide settings: only admin owners may call it (LLMOS_EPERM otherwise). */
  admin?: boolean;
  handler(args: z.output<I>, ctx: SyscallContext): z.input<O> | Promise<z.input<O>>;
}

/** Identity helper that infers handler types from the schemas. */
export const defineSyscall = <I extends ObjectSchema, O extends ObjectSchema>(s: Syscall<I, O>): Syscall<I, O> => s;

const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

/** Formats zod issues as "field: problem; field: problem". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`).join('; ');
}

export class SyscallTable {
  private readonly table = new Map<string, Syscall>();

  constructor(private readonly perms: Permissions) {}

  /** Adds a syscall; names are unique across the kernel and every plugin. */
  add(s: Syscall<any, any>): void {
    if (!NAME.test(s.name) || s.name.length > 40)
      throw new LlmosError('LLMOS_EPLUGIN', `syscall name "${s.name}" must be snake_case area_verb of at most 40 characters`);
    if (this.table.has(s.name)) throw new LlmosError('LLMOS_EEXIST', `syscall "${s.name}" is already registered; pick another name`);
    this.table.set(s.name, s);
  }

  get(name: string): Syscall | undefined {
    return this.table.get(name);
  }

  list(): Syscall[] {
    return [...this.table.values()];
  }

  /**
   * The one entry point: look up, check size, validate input, call, validate
   * output. Every failure comes back as an LlmosError, never as a raw throw.
   */
  async dispatch(name: string, input: unknown, ctx: SyscallContext): Promise<Record<string, unknown>> {
    const s = this.table.get(name);
    if (!s) throw Errors.noSyscall(name, [...this.table.keys()]);
    if (s.admin) this.perms.requireAdmin(ctx.owner, name);
    const bytes = Buffer.byteLength(JSON.stringify(input ?? {}) ?? '');
    if (bytes > params.maxInputBytes)
      throw new LlmosError('LLMOS_ETOOBIG', `input to ${name} is ${bytes} bytes, over the limit of ${params.maxInputBytes}; send less, or raise LLMOS_MAX_INPUT_BYTES.`, { bytes, limit: params.maxInputBytes });
    const args = s.input.safeParse(input ?? {});
    if (!args.success)
      throw new LlmosError('LLMOS_EINVAL', `invalid input to ${name}: ${describeIssues(args.error)}. Fix the named fields and call again.`);
    let out: unknown;
    try {
      out = await s.handler(args.data, ctx);
    } catch (e) {
      throw toLlmosError(e);
    }
    const checked = s.output.safeParse(out);
    if (!checked.success)
      throw new LlmosError('LLMOS_EINTERNAL', `${name} produced output that breaks its own schema (${describeIssues(checked.error)}); this is a bug, please report it.`);
    return checked.data as Record<string, unknown>;
  }
}
