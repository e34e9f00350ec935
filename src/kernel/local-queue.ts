import type { ReadyQueue } from '../core/ready-queue.js';
import type { Scheduler } from '../core/scheduler.js';
import type { Dispatcher } from './dispatch.js';
import type { Process } from './proc.js';

/**
 * The kernel's own ready queue: the active scheduler orders READY processes
 * and the dispatcher takes the next one whenever a slot is free. Every call
 * goes to the scheduler active at that moment (sched_set moves the queue).
 */
export class LocalReadyQueue implements ReadyQueue {
  readonly name = 'local';

  constructor(
    private readonly scheduler: () => Scheduler,
    private readonly dispatcher: Dispatcher,
  ) {}

  push(p: Process): void {
    this.scheduler().enqueue(p);
    this.dispatcher.maybePreempt(p);
    this.dispatcher.kick();
  }

  remove(pid: number): boolean {
    return this.scheduler().remove(pid);
  }

  reprioritize(pid: number): void {
    this.scheduler().reprioritize(pid);
  }

  size(): number {
    return this.scheduler().size();
  }

  snapshot(): Record<string, unknown> {
    return this.scheduler().snapshot();
  }
}
