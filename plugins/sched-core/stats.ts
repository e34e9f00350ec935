import type { KernelApi, Process, ProcState } from '../../src/plugin-api/index.js';

/** A fixed-size ring of the latest samples. */
class Ring {
  private readonly xs: Float64Array;
  private n = 0;
  constructor(size: number) {
    this.xs = new Float64Array(size);
  }
  add(x: number): void {
    this.xs[this.n++ % this.xs.length] = x;
  }
  values(): Float64Array {
    return this.xs.slice(0, Math.min(this.n, this.xs.length));
  }
}

interface ClassStats {
  completed: number;
  waits: Ring;
  responses: Ring;
}

const pct = (sorted: Float64Array, q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0);
const describe = (xs: Float64Array) => {
  const s = xs.sort();
  const mean = s.length ? s.reduce((a, x) => a + x, 0) / s.length : 0;
  return { mean_ms: mean, p50_ms: pct(s, 0.5), p95_ms: pct(s, 0.95), p99_ms: pct(s, 0.99) };
};

/**
 * Scheduling statistics from the process table's events: waits and responses
 * per priority class (over the latest `window` exits of each class),
 * throughput, model utilisation and a Little's-law cross-check, all since
 * start() or the last reset(). Listens only; changes nothing in the kernel.
 */
export class SchedStats {
  private since = Date.now();
  private classes = new Map<number, ClassStats>();
  private busyMs = new Map<string, number>();
  private arrivals = 0;
  private exits = 0;
  private responseSumMs = 0;
  private inSystem = 0;
  private areaMs = 0;
  private lastEvent = Date.now();
  private readonly onState = (p: Process, from: ProcState) => this.state(p, from);

  constructor(
    private readonly kernel: KernelApi,
    private readonly window = 4096,
  ) {}

  private unsubscribe?: () => void;

  start(): void {
    this.reset();
    this.unsubscribe = this.kernel.onProc('state', this.onState);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  reset(): void {
    this.since = this.lastEvent = Date.now();
    this.classes = new Map();
    this.busyMs = new Map();
    this.arrivals = this.exits = this.responseSumMs = this.areaMs = 0;
    this.inSystem = 0;
    for (const p of this.kernel.procs()) if (p.state !== 'exited') this.inSystem++;
  }

  private tick(now: number): void {
    this.areaMs += this.inSystem * (now - this.lastEvent);
    this.lastEvent = now;
  }

  private state(p: Process, from: ProcState): void {
    const now = Date.now();
    if (from === 'new' && p.state === 'ready') {
      this.tick(now);
      this.inSystem++;
      this.arrivals++;
    } else if (p.state === 'exited' && from !== 'new') {
      this.tick(now);
      this.inSystem = Math.max(0, this.inSystem - 1);
      this.exit(p);
    }
  }

  private exit(p: Process): void {
    // Processes that were queued before start()/reset() count toward L, not λ or W.
    if (p.created < this.since) return;
    const finished = p.finished ?? Date.now();
    const c = this.classes.get(p.priority) ?? { completed: 0, waits: new Ring(this.window), responses: new Ring(this.window) };
    this.classes.set(p.priority, c);
    c.completed++;
    c.waits.add((p.started ?? finished) - p.created);
    c.responses.add(finished - p.created);
    this.exits++;
    this.responseSumMs += finished - p.created;
    for (const a of p.attempts) this.busyMs.set(a.model, (this.busyMs.get(a.model) ?? 0) + Math.max(0, (a.finished ?? finished) - a.started));
  }

  snapshot() {
    const now = Date.now();
    this.tick(now);
    const elapsedMs = Math.max(1, now - this.since);
    const queued: Record<string, number> = {};
    let total = 0;
    for (const p of this.kernel.procs())
      if (p.state === 'ready') {
        queued[p.priority] = (queued[p.priority] ?? 0) + 1;
        total++;
      }
    const classes: Record<string, { completed: number; wait: ReturnType<typeof describe>; response: ReturnType<typeof describe> }> = {};
    for (const [k, c] of [...this.classes].sort((a, b) => a[0] - b[0])) classes[k] = { completed: c.completed, wait: describe(c.waits.values()), response: describe(c.responses.values()) };
    const utilization: Record<string, number> = {};
    for (const e of this.kernel.models()) {
      const id = e.info.id;
      utilization[id] = (this.busyMs.get(id) ?? 0) / (elapsedMs * Math.max(1, e.info.concurrency));
    }
    const l = this.areaMs / elapsedMs;
    const lambda = (this.arrivals / elapsedMs) * 1000;
    const wS = this.exits ? this.responseSumMs / this.exits / 1000 : 0;
    const lambdaW = lambda * wS;
    return {
      window_s: elapsedMs / 1000,
      queued: { total, by_class: queued },
      classes,
      completed: this.exits,
      throughput_per_s: (this.exits / elapsedMs) * 1000,
      utilization,
      little: {
        l,
        lambda_per_s: lambda,
        w_s: wS,
        lambda_w: lambdaW,
        in_system: this.inSystem,
        // Meaningful once many processes have come and gone; processes still in the system count in L but not yet in W.
        rel_error: l > 0 ? Math.abs(l - lambdaW) / l : 0,
      },
    };
  }
}
