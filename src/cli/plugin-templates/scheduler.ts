import { API_RANGE, type KindTemplate } from './common.js';

export const schedulerTemplate: KindTemplate = {
  provides: 'scheduler',
  summary: 'A scheduler: strict priority classes, first come first served within a class.',
  implFile: 'scheduler',
  impl: (n) => `import { RunQueue, queuedByClass, type Process, type Scheduler } from 'llmos/plugin-api';

/**
 * Strict priority (0 runs first), arrival order within a priority.
 * O(log n) enqueue, pick and remove; drain() returns arrival order.
 */
export class ${n.pascal}Scheduler implements Scheduler {
  readonly name = '${n.name}';
  private readonly queue = new RunQueue();

  enqueue(p: Process): void {
    this.queue.push(p, p.priority);
  }

  pickNext(): Process | undefined {
    return this.queue.pop();
  }

  onExit(): void {}

  reprioritize(pid: number): void {
    const e = this.queue.get(pid);
    if (e) this.queue.rekey(pid, e.proc.priority);
  }

  remove(pid: number): boolean {
    return this.queue.delete(pid);
  }

  drain(): Process[] {
    return this.queue.drain();
  }

  size(): number {
    return this.queue.size;
  }

  snapshot(): Record<string, unknown> {
    return { policy: this.name, queued: this.queue.size, by_class: queuedByClass([...this.queue.entries()].map((e) => e.proc)) };
  }
}
`,
  index: (n) => `import { definePlugin } from 'llmos/plugin-api';
import { ${n.pascal}Scheduler } from './scheduler.js';

export default definePlugin({
  name: '${n.name}',
  version: '0.1.0',
  apiVersion: '${API_RANGE}',
  description: 'Strict priority classes, first come first served within a class.',
  provides: ['scheduler'],
  register(scope) {
    // Activate it with sched_set {"name": "${n.name}"} or sched-core's "default" option.
    scope.scheduler('${n.name}', () => new ${n.pascal}Scheduler());
  },
});
`,
  test: (n) => `import { schedulerContract } from 'llmos/plugin-api/testing';
import { ${n.pascal}Scheduler } from './scheduler.js';

schedulerContract('${n.name}', () => new ${n.pascal}Scheduler());
`,
};
