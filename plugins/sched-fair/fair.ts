import { taskTokens, type Process, type Scheduler, type SchedulerFactory, Heap } from '../../src/plugin-api/index.js';

interface Owner {
  name: string;
  weight: number;
  queue: Scheduler;
  /** Virtual time: service received divided by weight. */
  vtime: number;
  inHeap: boolean;
  order: number;
  /** Picked processes not yet exited: their charge is corrected at exit. */
  running: number;
}

/**
 * Weighted fair queueing across owners (start-time fair queueing). Each owner
 * has its own queue, ordered by an inner policy, and a virtual time that
 * advances by cost/weight for every process it is given. The backlogged owner
 * with the smallest virtual time goes next, so over any busy period each
 * owner gets service in proportion to its weight, however many processes
 * another owner floods in. An owner returning from idle starts at the
 * system's virtual time: idling earns no credit.
 *
 * Cost is tokens: prompt tokens + max_tokens when picked, corrected to the
 * tokens actually used when the process exits. Picks cost O(log owners) plus
 * the inner policy's pick.
 *
 * An owner's entry (its queue and virtual time) is freed once it has nothing
 * queued and nothing running, so owners that come and go (one per anonymous
 * HTTP session) do not pile up; when it returns it starts afresh at the
 * system's virtual time, as any owner back from idle does.
 */
export class FairScheduler implements Scheduler {
  readonly name = 'fair';
  private readonly owners = new Map<string, Owner>();
  private readonly backlog = new Heap<Owner>((a, b) => a.vtime < b.vtime || (a.vtime === b.vtime && a.order < b.order));
  /** Queued pid → arrival sequence, for size() and drain() in arrival order. */
  private readonly queued = new Map<number, { seq: number; owner: Owner }>();
  /** Picked pid → what its owner was charged, corrected on exit. */
  private readonly charged = new Map<number, number>();
  private seq = 0;
  /** Order of the next owner made (ties in virtual time go to the older). */
  private made = 0;
  private virtualTime = 0;

  constructor(
    private readonly makeInner: SchedulerFactory,
    private readonly weights: Record<string, number> = {},
    private readonly defaultWeight = 1,
  ) {}

  private owner(name: string): Owner {
    let o = this.owners.get(name);
    if (!o) {
      o = { name, weight: this.weights[name] ?? this.defaultWeight, queue: this.makeInner(), vtime: 0, inHeap: false, order: this.made++, running: 0 };
      this.owners.set(name, o);
    }
    return o;
  }

  enqueue(p: Process): void {
    const o = this.owner(p.owner);
    this.settleCharge(o, p); // a preempted process comes back: its earlier pick is settled like an exit
    o.queue.enqueue(p);
    this.queued.set(p.pid, { seq: this.seq++, owner: o });
    if (!o.inHeap) {
      o.vtime = Math.max(o.vtime, this.virtualTime);
      o.inHeap = true;
      this.backlog.push(o);
    }
  }

  pickNext(freeSlots: number, now: number): Process | undefined {
    let declined: Owner[] | undefined;
    let picked: Process | undefined;
    while (!picked) {
      const o = this.backlog.pop();
      if (!o) break;
      if (o.queue.size() === 0) {
        o.inHeap = false;
        this.freeIfIdle(o);
        continue;
      }
      picked = o.queue.pickNext(freeSlots, now);
      if (!picked) {
        (declined ??= []).push(o);
        continue;
      }
      this.queued.delete(picked.pid);
      const cost = taskTokens(picked.task) + picked.task.max_tokens;
      this.charged.set(picked.pid, cost);
      o.running++;
      this.virtualTime = o.vtime;
      o.vtime += cost / o.weight;
      if (o.queue.size() > 0) this.backlog.push(o);
      else o.inHeap = false;
    }
    if (declined) for (const o of declined) this.backlog.push(o);
    return picked;
  }

  onExit(p: Process): void {
    const o = this.owners.get(p.owner);
    if (!o) return;
    o.queue.onExit(p);
    this.settleCharge(o, p);
    this.freeIfIdle(o);
  }

  /** Corrects the owner's charge for a picked process to the tokens it used, once. */
  private settleCharge(o: Owner, p: Process): void {
    const charged = this.charged.get(p.pid);
    if (charged === undefined) return;
    this.charged.delete(p.pid);
    o.running--;
    const used = p.usage.prompt_tokens + p.usage.completion_tokens;
    o.vtime -= (charged - used) / o.weight;
  }

  /** Drops the owner's entry when nothing of it is queued or running. */
  private freeIfIdle(o: Owner): void {
    if (o.running === 0 && o.queue.size() === 0 && !o.inHeap) this.owners.delete(o.name);
  }

  /** Owners with an entry (a queue) now; for tests of what is freed. */
  ownerCount(): number {
    return this.owners.size;
  }

  reprioritize(pid: number): void {
    this.queued.get(pid)?.owner.queue.reprioritize(pid);
  }

  remove(pid: number): boolean {
    const q = this.queued.get(pid);
    if (!q || !q.owner.queue.remove(pid)) return false;
    this.queued.delete(pid);
    return true; // an owner left with an empty queue is dropped from the backlog, and freed, at the next pick
  }

  drain(): Process[] {
    const all: Process[] = [];
    for (const o of this.owners.values()) {
      all.push(...o.queue.drain());
      o.inHeap = false;
    }
    all.sort((a, b) => this.queued.get(a.pid)!.seq - this.queued.get(b.pid)!.seq);
    this.backlog.clear();
    this.queued.clear();
    return all;
  }

  size(): number {
    return this.queued.size;
  }

  snapshot(): Record<string, unknown> {
    const owners: Record<string, { weight: number; queued: number; virtual_time: number }> = {};
    for (const o of this.owners.values()) owners[o.name] = { weight: o.weight, queued: o.queue.size(), virtual_time: Math.round(o.vtime) };
    const inner = this.owners.values().next().value?.queue.snapshot().policy ?? null;
    return { policy: this.name, inner, queued: this.queued.size, owners };
  }
}
