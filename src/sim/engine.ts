import { Process } from '../kernel/proc.js';
import type { Task } from '../core/task.js';
import { Heap } from '../plugin-api/heap.js';
import type { Scheduler } from '../core/scheduler.js';
import { exponential, type ServiceDist } from './dists.js';
import { sampleStationary } from '../plugin-api/mmc.js';
import { makeScheduler } from './policies.js';
import { Rng } from '../plugin-api/rng.js';
import { batchMeansSe, mean, percentile, summarize, type Summary } from './stats.js';

export interface SimConfig {
  /** A scheduler name as the kernel knows it: fcfs, sjf, priority, hrrn, fair. */
  policy: string;
  /** Plugin options by plugin name, as in llmos.plugins.json. */
  pluginOptions?: Record<string, unknown>;
  /** Arrivals per second (Poisson). */
  arrivalRate: number;
  /** Services per second per server; the mean service time is 1/serviceRate. */
  serviceRate: number;
  servers: number;
  /** Measured arrivals. */
  tasks: number;
  /** Service time distribution; exponential with mean 1/serviceRate when omitted. */
  service?: ServiceDist;
  /** Priority class weights, e.g. {0: 0.1, 9: 0.9}; all class 4 when omitted. */
  priorityMix?: Record<number, number>;
  /** Owner weights in the arrival stream, e.g. {flood: 0.9, a: 0.05}; one owner when omitted. */
  ownerMix?: Record<string, number>;
  seed?: number;
  /** Per-class, per-owner and longest-decile summaries (sorting costs time); default true. */
  detail?: boolean;
  /**
   * 'stationary' starts with a number in system drawn from the M/M/c stationary
   * law (exact for exponential service under FCFS), so there is no warm-up bias.
   * Those initial processes run but are not measured.
   */
  initial?: 'empty' | 'stationary';
  /** Callers over-state max_tokens by a factor exp(σ|Z|); 0 means max_tokens is the exact output. */
  predictionNoise?: number;
}

export interface SimResult extends Summary {
  policy: string;
  utilization: number;
  /** Standard error of mean_wait by batch means. */
  mean_wait_se: number;
  per_class: Record<string, Summary>;
  per_owner: Record<string, Summary>;
  /** Processes whose service time is in the top 10%. */
  longest_decile: { tasks: number; mean_response: number; p99_response: number; p99_wait: number };
  /** L from the time integral of the number in system, against λW from per-process records. */
  little: { l: number; lambda: number; w: number; lambda_w: number; rel_error: number };
  /** Virtual seconds until the last process exited. */
  sim_seconds: number;
  wall_ms: number;
  /** Per-task waits, priority classes and service times in arrival order, for plots and tests. */
  waits: Float64Array;
  classes: Uint8Array;
  services: Float64Array;
}

/** Output tokens of a job of mean size; sizes are scaled so the predictor sees tokens. */
const TOKENS_PER_MEAN_JOB = 1024;
const NO_METADATA = Object.freeze({}) as Record<string, unknown>;

/** A real kernel Process with the simulator's bookkeeping attached; schedulers see only the Process. */
class SimProcess extends Process {
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

const cumulative = (mix: Record<string | number, number>) => {
  const keys = Object.keys(mix);
  let s = 0;
  const cum = keys.map((k) => (s += mix[k]));
  if (!(s > 0)) throw new Error('a mix needs at least one positive weight');
  return { keys, cum };
};

/**
 * A discrete-event simulation on a virtual clock: Poisson arrivals, `servers`
 * identical servers, and the named scheduler plugin deciding which queued
 * process runs next, through the same Scheduler interface the kernel's
 * dispatcher uses (enqueue, pickNext(free, now), onExit). Deterministic for a
 * given seed.
 */
export async function simulate(cfg: SimConfig): Promise<SimResult> {
  const wall = performance.now();
  const sched: Scheduler = await makeScheduler(cfg.policy, cfg.pluginOptions);
  const rng = new Rng(cfg.seed ?? 1);
  const N = cfg.tasks;
  const meanS = 1 / cfg.serviceRate;
  const dist = cfg.service ?? exponential(meanS);
  const classes = cumulative(cfg.priorityMix ?? { 4: 1 });
  const owners = cumulative(cfg.ownerMix ?? { sim: 1 });
  const noise = cfg.predictionNoise ?? 0;
  const wait = new Float64Array(N);
  const resp = new Float64Array(N);
  const svc = new Float64Array(N);
  const cls = new Uint8Array(N);
  const own = new Uint16Array(N);
  const done = new Uint8Array(N);
  const running = new Heap<{ t: number; p: SimProcess }>((a, b) => a.t < b.t);
  let free = cfg.servers;
  let t = 0;
  let pid = 0;
  let inSystem = 0;
  let area = 0;
  let lastT = 0;
  let busy = 0;
  let responseSum = 0;
  let finishedAll = 0;

  const newProc = (arrival: number, idx: number): SimProcess => {
    const service = dist.sample(rng);
    const tokens = Math.max(1, Math.round((service / meanS) * TOKENS_PER_MEAN_JOB));
    const stated = noise > 0 ? Math.ceil(tokens * Math.exp(noise * Math.abs(rng.normal()))) : tokens;
    const c = Number(classes.keys[classes.keys.length > 1 ? rng.pick(classes.cum) : 0]);
    const o = owners.keys.length > 1 ? rng.pick(owners.cum) : 0;
    const task = { prompt: '', priority: c, max_tokens: stated, model: 'auto', metadata: NO_METADATA } as Task;
    const p = new SimProcess(++pid, owners.keys[o], task, arrival, service, tokens, idx);
    p.readyAt = arrival * 1000;
    p.state = 'ready';
    if (idx >= 0) {
      cls[idx] = c;
      own[idx] = o;
      svc[idx] = service;
    }
    inSystem++;
    return p;
  };
  const start = (p: SimProcess) => {
    free--;
    p.state = 'running';
    p.started = t * 1000;
    p.model = 'sim';
    if (p.idx >= 0) wait[p.idx] = t - p.arrival;
    running.push({ t: t + p.service, p });
  };
  const advance = (to: number) => {
    area += inSystem * (to - lastT);
    lastT = to;
    t = to;
  };

  if (cfg.initial === 'stationary') {
    const n = sampleStationary(cfg.arrivalRate, cfg.serviceRate, cfg.servers, rng.next());
    for (let i = 0; i < n; i++) sched.enqueue(newProc(0, -1));
  }
  let arrived = 0;
  let nextArrival = rng.exp(cfg.arrivalRate);
  while (arrived < N || running.size > 0 || sched.size() > 0) {
    const nextDone = running.peek()?.t ?? Infinity;
    if (arrived < N && nextArrival <= nextDone) {
      advance(nextArrival);
      sched.enqueue(newProc(t, arrived++));
      nextArrival = t + rng.exp(cfg.arrivalRate);
    } else if (running.size > 0) {
      const { t: at, p } = running.pop()!;
      advance(at);
      free++;
      inSystem--;
      busy += p.service;
      p.finished = t * 1000;
      p.usage.completion_tokens = p.tokens;
      p.state = 'exited';
      p.exit = 'ok';
      responseSum += t - p.arrival;
      finishedAll++;
      if (p.idx >= 0) {
        resp[p.idx] = t - p.arrival;
        done[p.idx] = 1;
      }
      sched.onExit(p);
    } else throw new Error(`scheduler ${cfg.policy} holds ${sched.size()} processes but returns none with ${free} servers free`);
    while (free > 0 && sched.size() > 0) {
      const p = sched.pickNext(free, t * 1000) as SimProcess | undefined;
      if (!p) break;
      start(p);
    }
  }
  for (let i = 0; i < N; i++) if (!done[i]) throw new Error(`process of task ${i} never finished under ${cfg.policy}: the scheduler lost it`);

  const detail = cfg.detail ?? true;
  const result: Summary = detail ? summarize(wait, resp) : { ...summarize(new Float64Array(0), new Float64Array(0)), tasks: N, mean_wait: mean(wait), mean_response: mean(resp) };
  const group = (key: Uint8Array | Uint16Array, names: (k: number) => string) => {
    const idx = new Map<number, number[]>();
    for (let i = 0; i < N; i++) (idx.get(key[i]) ?? idx.set(key[i], []).get(key[i])!).push(i);
    const out: Record<string, Summary> = {};
    if (idx.size === 1) return { [names(key[0])]: result };
    if (detail) for (const [k, ids] of [...idx].sort((a, b) => a[0] - b[0])) out[names(k)] = summarize(Float64Array.from(ids, (i) => wait[i]), Float64Array.from(ids, (i) => resp[i]));
    return out;
  };
  let long: Summary = summarize(new Float64Array(0), new Float64Array(0));
  if (detail) {
    const cut = percentile(Float64Array.from(svc).sort(), 0.9);
    const longW: number[] = [];
    const longR: number[] = [];
    for (let i = 0; i < N; i++) if (svc[i] >= cut) (longW.push(wait[i]), longR.push(resp[i]));
    long = summarize(Float64Array.from(longW), Float64Array.from(longR));
  }
  const lambda = finishedAll / t;
  const w = responseSum / finishedAll;
  const l = area / t;
  return {
    policy: cfg.policy,
    ...result,
    utilization: busy / (cfg.servers * t),
    mean_wait_se: batchMeansSe(wait),
    per_class: group(cls, String),
    per_owner: group(own, (k) => owners.keys[k]),
    longest_decile: { tasks: long.tasks, mean_response: long.mean_response, p99_response: long.p99_response, p99_wait: long.p99_wait },
    little: { l, lambda, w, lambda_w: lambda * w, rel_error: Math.abs(l - lambda * w) / Math.max(l, 1e-12) },
    sim_seconds: t,
    wall_ms: performance.now() - wall,
    waits: wait,
    classes: cls,
    services: svc,
  };
}
