import type { ServerResponse } from 'node:http';
import { LlmosError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { HttpLimits } from './http-limits.js';

export type SessionKind = 'streamable-http' | 'sse';

/** An open MCP session of the HTTP transport. */
export interface LiveSession<T = unknown> {
  kind: SessionKind;
  transport: T;
  /** Who opened it: "user:<name>" for a named token, "" for the shared token or an open server. */
  principal: string;
  /** Closes the MCP server, its transport and the session's hooks; idempotent. */
  close: () => Promise<void>;
}

interface Entry extends LiveSession {
  lastSeen: number;
  busy: number;
}

/** How a principal is named in errors. */
const who = (principal: string) => (principal ? `"${principal}"` : 'the shared token');

/**
 * The HTTP sessions: owned by the principal that opened them, capped overall
 * and per principal, and closed after `sessionIdleMs` without a request in
 * progress. A session of another principal or transport is reported exactly
 * like an unknown one, so ids cannot be probed.
 */
export class SessionTable {
  private readonly live = new Map<string, Entry>();
  private readonly perPrincipal = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly limits: Pick<HttpLimits, 'sessionIdleMs' | 'maxSessions' | 'maxSessionsPerUser'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    const every = Math.max(20, Math.min(60_000, Math.floor(limits.sessionIdleMs / 4)));
    this.timer = setInterval(() => void this.sweep(), every).unref();
  }

  get size(): number {
    return this.live.size;
  }

  /** Throws LLMOS_ERATELIMIT / LLMOS_EUNAVAILABLE when `principal` may not open another session now. */
  admit(principal: string): void {
    if ((this.perPrincipal.get(principal) ?? 0) >= this.limits.maxSessionsPerUser)
      throw new LlmosError('LLMOS_ERATELIMIT', `${who(principal)} already has ${this.limits.maxSessionsPerUser} open MCP sessions; close one (DELETE /mcp, or end the SSE stream) or wait for an idle one to expire (LLMOS_MAX_SESSIONS_PER_USER).`);
    if (this.live.size >= this.limits.maxSessions)
      throw new LlmosError('LLMOS_EUNAVAILABLE', `the server holds its maximum of ${this.limits.maxSessions} MCP sessions; retry later (LLMOS_MAX_SESSIONS).`);
  }

  /** Registers a session admitted by admit(); call in the same tick, so concurrent opens cannot pass a cap. */
  add(id: string, s: LiveSession): void {
    this.live.set(id, { ...s, lastSeen: this.now(), busy: 0 });
    this.perPrincipal.set(s.principal, (this.perPrincipal.get(s.principal) ?? 0) + 1);
  }

  /**
   * The session `id` when it is of `kind` and was opened by `principal`;
   * undefined otherwise. With `res`, the session counts as busy (never idle)
   * until that response ends.
   */
  find(id: string, principal: string, kind: SessionKind, res?: ServerResponse): LiveSession | undefined {
    const e = this.live.get(id);
    if (!e || e.kind !== kind || e.principal !== principal) return undefined;
    e.lastSeen = this.now();
    if (res) {
      e.busy++;
      res.once('close', () => {
        e.busy--;
        e.lastSeen = this.now();
      });
    }
    return e;
  }

  /** Forgets a session whose transport closed; frees its principal's count with the last one. */
  remove(id: string): void {
    const e = this.live.get(id);
    if (!e) return;
    this.live.delete(id);
    const left = (this.perPrincipal.get(e.principal) ?? 1) - 1;
    if (left > 0) this.perPrincipal.set(e.principal, left);
    else this.perPrincipal.delete(e.principal);
  }

  /** Closes every session idle for sessionIdleMs (none of its requests in progress). */
  async sweep(): Promise<void> {
    const before = this.now() - this.limits.sessionIdleMs;
    for (const [id, e] of [...this.live]) {
      if (e.busy > 0 || e.lastSeen > before) continue;
      this.log.info({ session: id.slice(0, 8), principal: e.principal || undefined }, 'closing idle MCP session');
      this.remove(id);
      await e.close().catch((err: unknown) => this.log.warn({ err }, 'closing an idle MCP session failed'));
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.timer);
    for (const [id, e] of [...this.live]) {
      this.remove(id);
      await e.close().catch(() => undefined);
    }
  }
}
