import { EventEmitter } from 'node:events';
import { describeIssues, Errors, LlmosError, toLlmosError } from '../core/errors.js';
import type { Syscall, SyscallContext } from '../core/syscall.js';
import { checkInputShape } from './input-guard.js';
import { params } from './params.js';
import type { Permissions } from './permissions.js';
import type { PolicyTable } from './policy.js';

const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
const TOOLSET = /^[a-z][a-z0-9-]{0,31}$/;

/** Each dispatched call once it ended: its name, wall time in ms, and the error code when it failed. */
export type SyscallDone = [name: string, ms: number, code: string | undefined];

export class SyscallTable extends EventEmitter<{ done: SyscallDone }> {
  private readonly table = new Map<string, Syscall>();

  constructor(
    private readonly perms: Permissions,
    /** Per-user policy: which syscalls a non-admin owner may call. */
    private readonly policy?: PolicyTable,
    /** Resolves once the kernel's changes so far are durable (see Journal.durable); awaited before every answer. */
    private readonly durable: () => Promise<void> | undefined = () => undefined,
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** Adds a syscall; names are unique across the kernel and every plugin. One without a toolset joins its name's area's (see Syscall.toolset). */
  add(s: Syscall<any, any>): void {
    if (!NAME.test(s.name) || s.name.length > 40)
      throw new LlmosError('LLMOS_EPLUGIN', `syscall name "${s.name}" must be snake_case area_verb of at most 40 characters`);
    if (s.toolset !== undefined && !TOOLSET.test(s.toolset))
      throw new LlmosError('LLMOS_EPLUGIN', `syscall "${s.name}" declares toolset "${s.toolset}"; a toolset is lower-case letters, digits and "-", at most 32 characters`);
    if (this.table.has(s.name)) throw new LlmosError('LLMOS_EEXIST', `syscall "${s.name}" is already registered; pick another name`);
    this.table.set(s.name, s.toolset ? s : { ...s, toolset: s.name.split('_')[0] });
  }

  get(name: string): Syscall | undefined {
    return this.table.get(name);
  }

  list(): Syscall[] {
    return [...this.table.values()];
  }

  /** Whether dispatch would let `owner` call the syscall: admin-only ones for admins only, the rest as the owner's policy allows. */
  mayCall(owner: string, name: string): boolean {
    const s = this.table.get(name);
    if (!s) return false;
    if (this.perms.isAdmin(owner)) return true;
    return !s.admin && (this.policy?.allowsSyscall(owner, name) ?? true);
  }

  /**
   * The one entry point: look up, check permission (admin, else the
   * owner's policy), check size, validate input, call, wait until what the
   * call changed is durable, validate output. Every failure comes back as
   * an LlmosError, never as a raw throw.
   */
  async dispatch(name: string, input: unknown, ctx: SyscallContext): Promise<Record<string, unknown>> {
    if (!this.listenerCount('done')) return this.run(name, input, ctx);
    const t0 = performance.now();
    try {
      const out = await this.run(name, input, ctx);
      this.emit('done', name, performance.now() - t0, undefined);
      return out;
    } catch (e) {
      this.emit('done', this.table.has(name) ? name : 'unknown', performance.now() - t0, (e as LlmosError).code);
      throw e;
    }
  }

  private async run(name: string, input: unknown, ctx: SyscallContext): Promise<Record<string, unknown>> {
    const s = this.table.get(name);
    if (!s) throw Errors.noSyscall(name, [...this.table.keys()]);
    if (s.admin) this.perms.requireAdmin(ctx.owner, name);
    else if (!this.perms.isAdmin(ctx.owner)) this.policy?.requireSyscall(ctx.owner, name);
    const bound = checkInputShape(input, params.maxInputDepth, name);
    const bytes = bound > params.maxInputBytes ? Buffer.byteLength(JSON.stringify(input ?? {}) ?? '') : 0;
    if (bytes > params.maxInputBytes)
      throw new LlmosError('LLMOS_ETOOBIG', `input to ${name} is ${bytes} bytes, over the limit of ${params.maxInputBytes}; send less, or raise LLMOS_MAX_INPUT_BYTES.`, { bytes, limit: params.maxInputBytes });
    const args = s.input.safeParse(input ?? {});
    if (!args.success)
      throw new LlmosError('LLMOS_EINVAL', `invalid input to ${name}: ${describeIssues(args.error)}. Fix the named fields and call again.`);
    let out: unknown;
    try {
      out = await s.handler(args.data, ctx);
    } catch (e) {
      await this.durable(); // a failure may name what was accepted (a pid that timed out): durable first
      throw toLlmosError(e);
    }
    await this.durable();
    const checked = s.output.safeParse(out);
    if (!checked.success)
      throw new LlmosError('LLMOS_EINTERNAL', `${name} produced output that breaks its own schema (${describeIssues(checked.error)}); this is a bug, please report it.`);
    return checked.data as Record<string, unknown>;
  }
}
