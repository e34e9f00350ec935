import type { Redis } from 'ioredis';
import type { Logger, OwnerPolicy, PolicyStore } from '../../src/plugin-api/index.js';
import type { ClusterKeys } from './keys.js';

/**
 * Run-time policy (policy_set) in Redis, shared by every node of the
 * cluster, so a budget an admin sets by policy holds on every node, as the
 * spend does. Policy is read on every syscall, so each node answers from a
 * copy: its own writes show at once, other nodes' within one poll of the
 * version counter (pollMs). Concurrent policy_set of one pattern on two
 * nodes: the last write to reach Redis wins everywhere.
 */
export class RedisPolicyStore implements PolicyStore {
  private entries: Record<string, OwnerPolicy | null> = {};
  /** Bumped whenever the copy changed; what version() reports. */
  private changes = 0;
  /** The cluster's version counter as of the copy. */
  private loaded = -1;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly log: Logger,
    private readonly pollMs = 1000,
  ) {}

  /** Loads the cluster's entries, then polls for changes. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err) => this.log.warn({ err: String(err) }, 'could not reload the cluster policy')), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    const v = Number((await this.redis.get(this.keys.policyVersion)) ?? 0);
    if (v === this.loaded) return;
    const all = await this.redis.hgetall(this.keys.policy);
    this.entries = Object.fromEntries(Object.entries(all).map(([pattern, json]) => [pattern, JSON.parse(json) as OwnerPolicy | null]));
    this.loaded = v;
    this.changes++;
  }

  loadPolicy(): Record<string, OwnerPolicy | null> {
    return this.entries;
  }

  /** Takes effect on this node at once; written to Redis in the background (a failed write is logged). */
  savePolicy(pattern: string, policy: OwnerPolicy | null): void {
    this.entries = { ...this.entries, [pattern]: policy };
    this.changes++;
    void this.redis
      .multi()
      .hset(this.keys.policy, pattern, JSON.stringify(policy))
      .incr(this.keys.policyVersion)
      .exec()
      .catch((err) => this.log.warn({ err: String(err), pattern }, 'could not store a policy change in Redis; other nodes do not see it'));
  }

  version(): number {
    return this.changes;
  }
}
