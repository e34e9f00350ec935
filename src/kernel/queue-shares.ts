import { LlmosError } from '../core/errors.js';
import { accountOf } from '../core/policy.js';
import type { Process, ProcessTable } from './proc.js';

/**
 * How many READY processes each account has in the run queue, kept from the
 * process table's state events, so one account filling the queue cannot lock
 * the others out. An account's entry is dropped when it has nothing queued.
 */
export class QueueShares {
  private readonly queued = new Map<string, Set<number>>();

  constructor(procs: ProcessTable) {
    procs.on('state', (p, from) => {
      if (p.state === 'ready') this.add(p);
      else if (from === 'ready') this.drop(p);
    });
    procs.on('exit', (p) => this.drop(p));
  }

  private add(p: Process): void {
    const a = accountOf(p.owner);
    let s = this.queued.get(a);
    if (!s) this.queued.set(a, (s = new Set()));
    s.add(p.pid);
  }

  private drop(p: Process): void {
    const a = accountOf(p.owner);
    const s = this.queued.get(a);
    if (s?.delete(p.pid) && s.size === 0) this.queued.delete(a);
  }

  /** Processes the owner's account has queued. */
  count(owner: string): number {
    return this.queued.get(accountOf(owner))?.size ?? 0;
  }

  /** Accounts with something queued (for tests and sys_info). */
  accounts(): number {
    return this.queued.size;
  }

  /** Throws LLMOS_EQUEUEFULL when the owner's account already holds `share` queued processes of the queue's `max`. */
  check(owner: string, share: number, max: number): void {
    const n = this.count(owner);
    if (n < share) return;
    const account = accountOf(owner);
    throw new LlmosError(
      'LLMOS_EQUEUEFULL',
      `"${owner}"${account !== owner ? ` (account "${account}")` : ''} has ${n} processes queued, its share of ${share} of the run queue's ${max}; wait for some to start (proc_wait) and spawn again, or ask an admin to raise max_queued with policy_set.`,
      { owner, account, queued: n, share, max, retry_after_ms: 1000 },
    );
  }
}
