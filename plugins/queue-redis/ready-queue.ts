import type { Job } from 'bullmq';
import { LlmosError, type Logger, type ModelInfo, type Scheduler } from '../../src/plugin-api/index.js';
// TODO(issue 12): transitional reach into the kernel, replaced by the RunQueue/Journal extension points.
import type { Kernel } from '../../src/kernel/kernel.js';
import { Process } from '../../src/kernel/proc.js';
import { bullPriority, jobIdOf } from './keys.js';
import type { Lanes } from './lanes.js';
import { jobData, type JobData, type TableSync } from './table-sync.js';

/**
 * The run queue moved to Redis, in the kernel's Scheduler slot ('redis').
 * enqueue() picks the model with the active allocator, then adds the process
 * to that model's BullMQ queue, ordered by priority (BullMQ 1 = LLMOS 0) and
 * then arrival. Submissions go out one at a time, so arrival order holds.
 * pickNext() never hands anything to the local dispatcher: the lanes' workers
 * pull from Redis on every node and run processes through the executor.
 * drain() returns nothing: queued jobs stay in Redis and still run after
 * sched_set switches this node back to a local scheduler.
 */
export class RedisRunQueue implements Scheduler {
  readonly name = 'redis';
  private submitting = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly kernel: Kernel,
    private readonly lanes: Lanes,
    private readonly sync: TableSync,
    private readonly log: Logger,
  ) {}

  enqueue(p: Process): void {
    this.sync.watchKill(p);
    this.submitting++;
    this.chain = this.chain.then(() => this.submit(p)).finally(() => void this.submitting--);
  }

  pickNext(): Process | undefined {
    return undefined;
  }

  onExit(): void {}

  reprioritize(pid: number): void {
    const p = this.kernel.procs.get(pid);
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
    const p = this.kernel.procs.get(pid);
    const queue = p?.allocation && this.lanes.queue(p.allocation.model);
    if (!queue) return false;
    void queue.remove(jobIdOf(pid)).catch((err) => this.log.warn({ err, pid }, 'could not remove a queued job'));
    return true;
  }

  drain(): Process[] {
    return [];
  }

  size(): number {
    return this.submitting;
  }

  snapshot(): Record<string, unknown> {
    return { policy: this.name, node: this.sync.node, submitting: this.submitting, models: this.lanes.models(), running_here: this.sync.running.size };
  }

  private async submit(p: Process): Promise<void> {
    if (p.state !== 'ready') return; // killed before it reached Redis
    try {
      const candidates = this.candidates(p);
      const alloc = await this.kernel.allocators.active().choose(p.task, candidates, { now: Date.now(), proc: p });
      if (!candidates.some((m) => m.id === alloc.model)) throw new LlmosError('LLMOS_ENOMODEL', `the allocator chose "${alloc.model}", which is not a candidate`);
      p.allocation = alloc;
      const queue = this.lanes.queue(alloc.model);
      if (!queue) throw new LlmosError('LLMOS_ENOMODEL', `model "${alloc.model}" has no cluster queue on this node yet; spawn again in a moment.`);
      await queue.add('run', jobData(p), { jobId: jobIdOf(p.pid), priority: bullPriority(p.task.priority), removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'fixed', delay: 500 } });
    } catch (e) {
      const error = e instanceof LlmosError ? e : new LlmosError('LLMOS_EUNAVAILABLE', `could not queue process ${p.pid} in Redis (${e instanceof Error ? e.message : String(e)}); check that Redis is reachable, then spawn again.`);
      this.log.warn({ err: e, pid: p.pid }, 'cluster submit failed');
      this.kernel.procs.exit(p, 'failed', { error });
    }
  }

  /** The dispatcher's candidates (healthy local models the owner may use, or the one the task names); never empty. */
  private candidates(p: Process): ModelInfo[] {
    const c = this.kernel.dispatcher.candidates(p);
    if (!c.length) throw new LlmosError('LLMOS_ENOMODEL', 'no model can run this task: no model is registered and healthy on this node. List models with model_list.');
    return c;
  }
}
