import type { Job } from 'bullmq';
import { LlmosError, type KernelApi, type Logger, type ProcView, type ReadyQueue, type RunHost } from '../../src/plugin-api/index.js';
import { bullPriority, jobIdOf } from './keys.js';
import type { Lanes } from './lanes.js';
import { jobData, type JobData, type TableSync } from './table-sync.js';

/**
 * This node's ready queue, moved to Redis. push() has the kernel place the
 * process (the active allocator picks the model), then adds it to that
 * model's BullMQ queue, ordered by priority (BullMQ 1 = LLMOS 0) and then
 * arrival. Submissions go out one at a time, so arrival order holds, and
 * not before the node joined the cluster (processes the journal restores
 * at boot wait for it). The lanes' workers on every node take the jobs and
 * hand them back to their kernel to run (see Lanes).
 */
export class RedisReadyQueue implements ReadyQueue {
  readonly name = 'redis';
  private submitting = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly gate: Promise<void>;
  private open!: () => void;
  private refuse!: (why: LlmosError) => void;

  constructor(
    private readonly kernel: KernelApi,
    private readonly host: RunHost,
    private readonly lanes: Lanes,
    private readonly sync: TableSync,
    private readonly log: Logger,
  ) {
    this.gate = new Promise<void>((resolve, reject) => {
      this.open = resolve;
      this.refuse = reject;
    });
    this.gate.catch(() => undefined); // read by submit()
  }

  /** The node joined the cluster: submissions go out from now on. */
  joined(): void {
    this.open();
  }

  /** The node left the cluster (or never joined): processes still waiting to be submitted fail. */
  left(): void {
    this.refuse(new LlmosError('LLMOS_EUNAVAILABLE', 'this node left the Redis cluster before the process reached the queue; spawn it again.'));
  }

  push(p: ProcView): void {
    this.sync.watchKill(p);
    this.submitting++;
    this.chain = this.chain.then(() => this.submit(p.pid)).finally(() => void this.submitting--);
  }

  reprioritize(pid: number): void {
    const p = this.kernel.proc(pid);
    const queue = p?.allocation && this.lanes.queue(p.allocation.model);
    if (!p || !queue) return;
    void queue
      .getJob(jobIdOf(pid))
      .then((job) => (job as Job<JobData> | undefined)?.changePriority({ priority: bullPriority(p.task.priority) }))
      .catch((err) => this.log.warn({ err, pid }, 'could not change a queued job priority (it may have started)'));
  }

  /**
   * Takes the job out of Redis unless a worker holds it already; then the
   * kill's exit, written first, wins in the shared table and that worker's
   * copy is stopped when the exit reaches it.
   */
  remove(pid: number): boolean {
    const model = this.kernel.proc(pid)?.allocation?.model;
    const queue = model && this.lanes.queue(model);
    if (!queue) return false;
    void queue.remove(jobIdOf(pid)).catch((err) => this.log.warn({ err, pid }, 'could not remove a queued job'));
    return true;
  }

  size(): number {
    return this.submitting;
  }

  snapshot(): Record<string, unknown> {
    return { queue: this.name, node: this.sync.node, submitting: this.submitting, models: this.lanes.models(), running_here: this.sync.running.size };
  }

  /** Places the process and queues it in its model's lane; a process that cannot be queued fails. */
  private async submit(pid: number): Promise<void> {
    try {
      await this.gate;
      const p = this.kernel.proc(pid);
      if (p?.state !== 'ready') return; // killed before it reached Redis
      const alloc = await this.host.place(pid);
      const queue = this.lanes.queue(alloc.model);
      if (!queue) throw new LlmosError('LLMOS_ENOMODEL', `model "${alloc.model}" has no cluster queue on this node yet; spawn again in a moment.`);
      await queue.add('run', jobData(p), { jobId: jobIdOf(pid), priority: bullPriority(p.task.priority), removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'fixed', delay: 500 } });
    } catch (e) {
      const error = e instanceof LlmosError ? e : new LlmosError('LLMOS_EUNAVAILABLE', `could not queue process ${pid} in Redis (${e instanceof Error ? e.message : String(e)}); check that Redis is reachable, then spawn again.`);
      this.log.warn({ err: e, pid }, 'cluster submit failed');
      this.host.fail(pid, error);
    }
  }
}
