import { exponential, type ServiceDist } from './dists.js';
import { sampleStationary } from '../plugin-api/mmc.js';
import { makeScheduler, type PolicySource } from './policies.js';
import { Rng } from '../plugin-api/rng.js';
import { cumulative, SimRun, type Mix, type Records } from './run.js';
import { batchMeansSe, mean, percentile, summarize, type Summary } from './stats.js';

/** `config` (default: the file `llmos serve` reads) names the scheduler plugins and their options; `pluginOptions` override them. */
export interface SimConfig extends PolicySource {
  /** A scheduler name as the configured kernel knows it: fcfs, sjf, priority, hrrn, fair. */
  policy: string;
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

/**
 * A discrete-event simulation on a virtual clock: Poisson arrivals, `servers`
 * identical servers, and the named scheduler of the configured kernel
 * deciding which queued process runs next, through the same Scheduler
 * interface the kernel's dispatcher uses (enqueue, pickNext(free, now),
 * onExit). Deterministic for a given seed and config.
 */
export async function simulate(cfg: SimConfig): Promise<SimResult> {
  const wall = performance.now();
  const sched = await makeScheduler(cfg.policy, cfg);
  const rng = new Rng(cfg.seed ?? 1);
  const owners = cumulative(cfg.ownerMix ?? { sim: 1 });
  const meanService = 1 / cfg.serviceRate;
  const workload = { rng, meanService, dist: cfg.service ?? exponential(meanService), classes: cumulative(cfg.priorityMix ?? { 4: 1 }), owners, noise: cfg.predictionNoise ?? 0 };
  const run = new SimRun(sched, workload, cfg.servers, cfg.tasks);
  if (cfg.initial === 'stationary') {
    const n = sampleStationary(cfg.arrivalRate, cfg.serviceRate, cfg.servers, rng.next());
    for (let i = 0; i < n; i++) run.arrive(-1);
  }
  runEvents(run, cfg, rng);
  return { ...resultOf(run, cfg, owners), wall_ms: performance.now() - wall };
}

/** The event loop: the next arrival or the next exit, whichever comes first, then dispatch; until every task has exited. */
function runEvents(run: SimRun, cfg: SimConfig, rng: Rng): void {
  const N = cfg.tasks;
  let arrived = 0;
  let nextArrival = rng.exp(cfg.arrivalRate);
  while (arrived < N || run.busyServers() || run.queued() > 0) {
    if (arrived < N && nextArrival <= run.nextDone()) {
      run.advance(nextArrival);
      run.arrive(arrived++);
      nextArrival = run.t + rng.exp(cfg.arrivalRate);
    } else if (run.busyServers()) run.finishNext();
    else throw new Error(`scheduler ${cfg.policy} holds ${run.queued()} processes but returns none with ${run.freeServers()} servers free`);
    run.dispatch();
  }
  for (let i = 0; i < N; i++) if (!run.rec.done[i]) throw new Error(`process of task ${i} never finished under ${cfg.policy}: the scheduler lost it`);
}

/** Summaries of one group of tasks (class or owner): one entry per key, or the whole result when there is one key. */
function groups(rec: Records, key: Uint8Array | Uint16Array, names: (k: number) => string, all: Summary, detail: boolean): Record<string, Summary> {
  const idx = new Map<number, number[]>();
  for (let i = 0; i < rec.n; i++) (idx.get(key[i]) ?? idx.set(key[i], []).get(key[i])!).push(i);
  if (idx.size === 1) return { [names(key[0])]: all };
  const out: Record<string, Summary> = {};
  if (detail) for (const [k, ids] of [...idx].sort((a, b) => a[0] - b[0])) out[names(k)] = summarize(Float64Array.from(ids, (i) => rec.wait[i]), Float64Array.from(ids, (i) => rec.resp[i]));
  return out;
}

/** The tasks whose service time is in the top 10%. */
function longestDecile(rec: Records): SimResult['longest_decile'] {
  const cut = percentile(Float64Array.from(rec.svc).sort(), 0.9);
  const longW: number[] = [];
  const longR: number[] = [];
  for (let i = 0; i < rec.n; i++) if (rec.svc[i] >= cut) (longW.push(rec.wait[i]), longR.push(rec.resp[i]));
  const long = summarize(Float64Array.from(longW), Float64Array.from(longR));
  return { tasks: long.tasks, mean_response: long.mean_response, p99_response: long.p99_response, p99_wait: long.p99_wait };
}

/** Everything but wall_ms, from a finished run. */
function resultOf(run: SimRun, cfg: SimConfig, owners: Mix): Omit<SimResult, 'wall_ms'> {
  const { rec, t } = run;
  const detail = cfg.detail ?? true;
  const empty = summarize(new Float64Array(0), new Float64Array(0));
  const all: Summary = detail ? summarize(rec.wait, rec.resp) : { ...empty, tasks: rec.n, mean_wait: mean(rec.wait), mean_response: mean(rec.resp) };
  const lambda = run.finishedAll / t;
  const w = run.responseSum / run.finishedAll;
  const l = run.area / t;
  const { tasks, mean_response, p99_response, p99_wait } = empty;
  return {
    policy: cfg.policy,
    ...all,
    utilization: run.busy / (cfg.servers * t),
    mean_wait_se: batchMeansSe(rec.wait),
    per_class: groups(rec, rec.cls, String, all, detail),
    per_owner: groups(rec, rec.own, (k) => owners.keys[k], all, detail),
    longest_decile: detail ? longestDecile(rec) : { tasks, mean_response, p99_response, p99_wait },
    little: { l, lambda, w, lambda_w: lambda * w, rel_error: Math.abs(l - lambda * w) / Math.max(l, 1e-12) },
    sim_seconds: t,
    waits: rec.wait,
    classes: rec.cls,
    services: rec.svc,
  };
}
