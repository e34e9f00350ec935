import { LlmosError } from '../core/errors.js';

/**
 * Who may do what. Admin owners may change server-wide settings (syscalls
 * marked `admin`) and act on any process; other owners only on their own.
 * Patterns are owner names, or prefixes ending in "*" ("http:*"); "*" alone
 * makes every session an admin, the single-user default.
 */
export class Permissions {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];

  constructor(patterns: readonly string[]) {
    for (const p of patterns.map((s) => s.trim()).filter(Boolean)) {
      if (p.endsWith('*')) this.prefixes.push(p.slice(0, -1));
      else this.exact.add(p);
    }
  }

  /** From LLMOS_ADMINS, comma-separated; unset or blank means "*". */
  static fromEnv(value = process.env.LLMOS_ADMINS): Permissions {
    return new Permissions((value?.trim() ? value : '*').split(','));
  }

  /** The admin patterns, as configured (a trailing * matches a prefix). */
  patterns(): string[] {
    return [...this.exact, ...this.prefixes.map((p) => `${p}*`)];
  }

  isAdmin(owner: string): boolean {
    return this.exact.has(owner) || this.prefixes.some((p) => owner.startsWith(p));
  }

  /** Throws LLMOS_EPERM unless `owner` is an admin. */
  requireAdmin(owner: string, what: string): void {
    if (!this.isAdmin(owner)) throw new LlmosError('LLMOS_EPERM', `${what} needs an admin session, and "${owner}" is not one; ask the operator, who lists admin owners in LLMOS_ADMINS.`, { owner });
  }

  /** Whether `owner` may see and act on the process: its own, or any for an admin. */
  mayAct(owner: string, p: { owner: string }): boolean {
    return p.owner === owner || this.isAdmin(owner);
  }

  /** Throws LLMOS_EPERM unless `owner` owns the process or is an admin. */
  requireOwner(owner: string, p: { pid: number; owner: string }, what: string): void {
    if (!this.mayAct(owner, p))
      throw new LlmosError('LLMOS_EPERM', `process ${p.pid} belongs to "${p.owner}"; only its owner or an admin (LLMOS_ADMINS) may ${what} it.`, { pid: p.pid, owner: p.owner });
  }
}
