import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { LlmosError, type KernelApi, type Logger, type ModelInfo, type RunHost } from '../../src/plugin-api/index.js';
import type { ClusterKeys } from './keys.js';
import type { ProcStore } from './proc-store.js';
import type { JobData, TableSync } from './table-sync.js';

export interface LaneOptions {
  /** How long a node's hold on a running job lasts without renewal; a dead node's jobs return to the queue after it. */
  lockDurationMs: number;
  /** How often each worker looks for jobs whose node died. */
  stalledIntervalMs: number;
  /** Times a job may come back from a dead node before BullMQ fails it. */
  maxStalledCount: number;
  /** How long close() waits for calls in flight before leaving them to other nodes. */
  closeGraceMs: number;
  /** At most this many of a model's cluster-wide slots held by this node; default all of them. */
  nodeSlots?: number;
}

/** One model's cluster-wide run queue and this node's worker on it. */
interface Lane {
  queue: Queue<JobData>;
  worker: Worker<JobData>;
  slots: number;
  rpm?: number;
}

/**
 * A lane per model: a BullMQ queue shared by the cluster, whose global
 * concurrency is the model's slots and whose global rate limit is its rpm,
 * and on every node that has the model a worker that hands the queue's jobs
 * to the local kernel (RunHost.run) to run. A job completes only once its exit is
 * in the shared table; a job whose process already exited does nothing, so a
 * job delivered twice (its node died after the exit) still gives one result.
 */
export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  private reconciling: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(
    private readonly kernel: KernelApi,
    private readonly host: RunHost,
    private readonly redis: Redis,
    private readonly keys: ClusterKeys,
    private readonly store: ProcStore,
    private readonly sync: TableSync,
    private readonly opts: LaneOptions,
    private readonly log: Logger,
  ) {}

  /** The queue of a model this node serves. */
  queue(model: string): Queue<JobData> | undefined {
    return this.lanes.get(model)?.queue;
  }

  models(): string[] {
    return [...this.lanes.keys()];
  }

  /** Queues jobs are counted in, per model, cluster-wide. */
  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [id, l] of this.lanes) out[id] = await l.queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed');
    return out;
  }

  /** Brings lanes in line with the local model table (coalesced: the model table changes after every call). */
  reconcile(): Promise<void> {
    if (this.queued) return this.reconciling;
    this.queued = true;
    this.reconciling = this.reconciling.catch(() => undefined).then(async () => {
      this.queued = false;
      await this.reconcileNow();
    });
    return this.reconciling;
  }

  async close(): Promise<void> {
    await this.reconciling.catch(() => undefined);
    const all = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all(all.map((l) => this.closeLane(l)));
  }

  private async reconcileNow(): Promise<void> {
    const local = new Map<string, ModelInfo>(this.kernel.models().map((m) => [m.info.id, m.info]));
    for (const [id, lane] of this.lanes)
      if (!local.has(id)) {
        this.lanes.delete(id);
        await this.closeLane(lane);
      }
    for (const info of local.values()) {
      const lane = this.lanes.get(info.id);
      if (!lane) {
        this.lanes.set(info.id, await this.open(info));
        continue;
      }
      await this.setLimits(lane.queue, info, lane);
      if (lane.worker.concurrency !== this.workerSlots(info)) lane.worker.concurrency = this.workerSlots(info);
    }
  }

  /** Pushes the model's slots and rpm to the cluster when they changed (each node declares the same ones). */
  private async setLimits(queue: Queue<JobData>, info: ModelInfo, was?: { slots: number; rpm?: number }): Promise<void> {
    if (was?.slots !== info.concurrency) await queue.setGlobalConcurrency(info.concurrency);
    const rpm = info.limits?.rpm;
    if (!was || was.rpm !== rpm) await (rpm ? queue.setGlobalRateLimit(rpm, 60_000) : queue.removeGlobalRateLimit());
    if (was) Object.assign(was, { slots: info.concurrency, rpm });
  }

  /** Opens a model's lane: its limits are set before this node's worker takes a first job. */
  private async open(info: ModelInfo): Promise<Lane> {
    const name = this.keys.queueName(info.id);
    const common = { connection: this.redis, prefix: this.keys.bullPrefix };
    const queue = new Queue<JobData>(name, common);
    queue.on('error', (err) => this.log.warn({ err, model: info.id }, 'BullMQ queue error'));
    await this.setLimits(queue, info);
    const worker = new Worker<JobData>(name, (job) => this.run(job, info.id), {
      ...common,
      name: this.store.node,
      concurrency: this.workerSlots(info),
      lockDuration: this.opts.lockDurationMs,
      stalledInterval: this.opts.stalledIntervalMs,
      maxStalledCount: this.opts.maxStalledCount,
    });
    worker.on('error', (err) => this.log.warn({ err, model: info.id }, 'BullMQ worker error'));
    worker.on('failed', (job, err) => this.log.warn({ err, model: info.id, pid: job?.data.pid }, 'cluster job failed'));
    await worker.waitUntilReady();
    return { queue, worker, slots: info.concurrency, rpm: info.limits?.rpm };
  }

  private workerSlots(info: ModelInfo): number {
    return Math.min(info.concurrency, this.opts.nodeSlots ?? Infinity);
  }

  private async closeLane(l: Lane): Promise<void> {
    const graceful = l.worker.close().then(() => true);
    const timedOut = new Promise<boolean>((r) => setTimeout(() => r(false), this.opts.closeGraceMs).unref());
    if (!(await Promise.race([graceful, timedOut]))) await l.worker.close(true);
    await l.queue.close();
  }

  /**
   * The job handler: has the kernel run one process here unless it already
   * exited; resolves once its exit is shared. A preempted run fails the job,
   * so BullMQ offers it again.
   */
  private async run(job: Job<JobData>, model: string): Promise<string> {
    const d = job.data;
    if ((await this.store.state(d.pid)) === 'exited') return 'exited earlier';
    if (!this.kernel.model(model)) throw new LlmosError('LLMOS_ENOMODEL', `model "${model}" left node ${this.store.node}; the job goes back to the queue.`);
    const p = this.sync.processFor(d);
    if (p.state === 'exited') {
      await this.sync.rewrite(p); // exited here (killed while queued) but the write had not landed
      return p.exit ?? 'exited';
    }
    this.sync.running.add(p.pid);
    let outcome;
    try {
      outcome = await this.host.run(p.pid, model);
    } finally {
      this.sync.running.delete(p.pid);
    }
    await this.sync.flush(p.pid);
    if (outcome === 'preempted') throw new LlmosError('LLMOS_EPREEMPTED', `process ${p.pid} was preempted on node ${this.store.node}; the job goes back to the queue.`);
    return p.exit ?? 'exited';
  }
}
