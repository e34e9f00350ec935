import { Process } from '../kernel/proc.js';
import type { Task } from '../core/task.js';
import { Heap } from '../plugin-api/heap.js';
import type { Rng } from '../plugin-api/rng.js';
import type { Scheduler } from '../core/scheduler.js';
import type { ServiceDist } from './dists.js';

/** Output tokens of a job of mean size; sizes are scaled so the predictor sees tokens. */
const TOKENS_PER_MEAN_JOB = 1024;
const NO_METADATA = Object.freeze({}) as Record<string, unknown>;

/** A real kernel Process with the simulator's bookkeeping attached; schedulers see only the Process. */
export class SimProcess extends Process {
  constructor(
    pid: number,
    owner: string,
    task: Task,
    /** Arrival, virtual seconds. */
    readonly arrival: number,
    /** Service time, virtual seconds. */
    readonly service: number,
    readonly tokens: number,
    /** Index among measured tasks, -1 for warm-start ones. */
    readonly idx: number,
  ) {
    super(pid, 0, owner, task);
  }
}

/** A weighted choice among keys, as cumulative weights for Rng.pick. */
export interface Mix {
  keys: string[];
  cum: number[];
}

export const cumulative = (mix: Record<string | number, number>): Mix => {
  const keys = Object.keys(mix);
  let s = 0;
  const cum = keys.map((k) => (s += mix[k]));
  if (!(s > 0)) throw new Error('a mix needs at least one positive weight');
  return { keys, cum };
};

/** What a run draws its workload from. */
export interface Workload {
  rng: Rng;
  /** Mean service time, virtual seconds. */
  meanService: number;
  dist: ServiceDist;
  classes: Mix;
  owners: Mix;
  /** σ of the max_tokens over-statement; 0 = exact. */
  noise: number;
}

/** Per measured task, in arrival order: what the result is computed from. */
export class Records {
  readonly wait: Float64Array;
  readonly resp: Float64Array;
  readonly svc: Float64Array;
  readonly cls: Uint8Array;
  readonly own: Uint16Array;
  readonly done: Uint8Array;
  constructor(readonly n: number) {
    this.wait = new Float64Array(n);
    this.resp = new Float64Array(n);
    this.svc = new Float64Array(n);
    this.cls = new Uint8Array(n);
    this.own = new Uint16Array(n);
    this.done = new Uint8Array(n);
  }
}

/**
 * One simulation's state on the virtual clock: identical servers, the
 * scheduler's queue, and the time integral of the number in system (for
 * Little's law). The scheduler is driven through the same interface the
 * kernel's dispatcher uses: enqueue, pickNext(free, now), onExit.
 */
export class SimRun {
  readonly rec: Records;
  private readonly running = new Heap<{ t: number; p: SimProcess }>((a, b) => a.t < b.t);
  private free: number;
  private pid = 0;
  private inSystem = 0;
  private lastT = 0;
  /** Virtual now, seconds. */
  t = 0;
  /** ∫ number in system dt. */
  area = 0;
  /** Server-seconds of service done. */
  busy = 0;
  responseSum = 0;
  finishedAll = 0;

  constructor(
    private readonly sched: Scheduler,
    private readonly w: Workload,
    servers: number,
    tasks: number,
  ) {
    this.free = servers;
    this.rec = new Records(tasks);
  }

  /** Enqueues a new process arriving now; idx -1 is an unmeasured warm-start one. */
  arrive(idx: number): void {
    this.sched.enqueue(this.newProc(this.t, idx));
  }

  /** Moves the clock to `to`, accumulating the number-in-system integral. */
  advance(to: number): void {
    this.area += this.inSystem * (to - this.lastT);
    this.lastT = to;
    this.t = to;
  }

  /** When the next running process finishes; Infinity when none runs. */
  nextDone(): number {
    return this.running.peek()?.t ?? Infinity;
  }

  busyServers(): boolean {
    return this.running.size > 0;
  }

  freeServers(): number {
    return this.free;
  }

  queued(): number {
    return this.sched.size();
  }

  /** Exits the running process that finishes first, at its finish time. */
  finishNext(): void {
    const { t: at, p } = this.running.pop()!;
    this.advance(at);
    this.free++;
    this.inSystem--;
    this.busy += p.service;
    p.finished = this.t * 1000;
    p.usage.completion_tokens = p.tokens;
    p.state = 'exited';
    p.exit = 'ok';
    this.responseSum += this.t - p.arrival;
    this.finishedAll++;
    if (p.idx >= 0) {
      this.rec.resp[p.idx] = this.t - p.arrival;
      this.rec.done[p.idx] = 1;
    }
    this.sched.onExit(p);
  }

  /** Starts what the scheduler picks while a server is free. */
  dispatch(): void {
    while (this.free > 0 && this.sched.size() > 0) {
      const p = this.sched.pickNext(this.free, this.t * 1000) as SimProcess | undefined;
      if (!p) break;
      this.start(p);
    }
  }

  private start(p: SimProcess): void {
    this.free--;
    p.state = 'running';
    p.started = this.t * 1000;
    p.model = 'sim';
    if (p.idx >= 0) this.rec.wait[p.idx] = this.t - p.arrival;
    this.running.push({ t: this.t + p.service, p });
  }

  /** Draws a process: service, then stated size, class and owner, in that order (the seed's contract). */
  private newProc(arrival: number, idx: number): SimProcess {
    const { rng, meanService, dist, classes, owners, noise } = this.w;
    const service = dist.sample(rng);
    const tokens = Math.max(1, Math.round((service / meanService) * TOKENS_PER_MEAN_JOB));
    const stated = noise > 0 ? Math.ceil(tokens * Math.exp(noise * Math.abs(rng.normal()))) : tokens;
    const c = Number(classes.keys[classes.keys.length > 1 ? rng.pick(classes.cum) : 0]);
    const o = owners.keys.length > 1 ? rng.pick(owners.cum) : 0;
    const task = { prompt: '', priority: c, max_tokens: stated, model: 'auto', metadata: NO_METADATA } as Task;
    const p = new SimProcess(++this.pid, owners.keys[o], task, arrival, service, tokens, idx);
    p.readyAt = arrival * 1000;
    p.state = 'ready';
    if (idx >= 0) {
      this.rec.cls[idx] = c;
      this.rec.own[idx] = o;
      this.rec.svc[idx] = service;
    }
    this.inSystem++;
    return p;
  }
}
