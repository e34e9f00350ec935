import type { Redis } from 'ioredis';
import { LlmosError } from '../../src/plugin-api/index.js';

/**
 * Cluster-unique pids, leased from one Redis counter in blocks (INCRBY), so
 * that kernel.spawn can stay synchronous. Each node hands out its block in
 * order and fetches the next one when half is used. Pids are never reused and
 * increase on each node; across nodes they interleave by block.
 */
export class PidLease {
  private next = 1;
  private last = 0;
  private spare?: [number, number];
  private fetching?: Promise<void>;
  /** False before start() leased the first block and after stop(): no pid is handed out. */
  private leased = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly blockSize: number,
  ) {}

  /** Leases the first block; call before the kernel spawns anything. */
  async start(): Promise<void> {
    [this.next, this.last] = await this.lease();
    this.leased = true;
  }

  /** Hands out no more pids (the node left the cluster). */
  stop(): void {
    this.leased = false;
  }

  /** The next pid. Throws LLMOS_EUNAVAILABLE when spawns outran the Redis round trip for a new block. */
  take(): number {
    if (!this.leased) throw new LlmosError('LLMOS_EUNAVAILABLE', 'this node is not in the Redis cluster (queue-redis has not started, or has stopped), so it has no cluster-unique pid to give; spawn again once it serves.');
    if (this.next > this.last) {
      if (!this.spare) {
        this.prefetch();
        throw new LlmosError('LLMOS_EUNAVAILABLE', 'the cluster pid block is used up and the next one is still on its way from Redis; spawn again in a moment (or raise the queue-redis option pidBlock).', { retry_after_ms: 50 });
      }
      [this.next, this.last] = this.spare;
      this.spare = undefined;
    }
    const pid = this.next++;
    if (this.last - this.next < this.blockSize / 2) this.prefetch();
    return pid;
  }

  private prefetch(): void {
    if (this.spare || this.fetching) return;
    this.fetching = this.lease()
      .then((b) => void (this.spare = b))
      .catch(() => undefined) // retried on the next take()
      .finally(() => (this.fetching = undefined));
  }

  private async lease(): Promise<[number, number]> {
    const hi = await this.redis.incrby(this.key, this.blockSize);
    return [hi - this.blockSize + 1, hi];
  }
}
