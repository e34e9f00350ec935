import { Errors, LlmosError } from '../core/errors.js';
import type { ProcAllocation } from '../core/process.js';
import type { ProcSnapshot } from '../core/proc-snapshot.js';
import type { RunHost, RunOutcome } from '../core/ready-queue.js';
import type { Kernel } from './kernel.js';
import type { Process } from './proc.js';
import { copyExit, copySnapshot, processFromSnapshot } from './snapshot.js';

/**
 * The RunHost a plugin ready queue gets (see ready-queue.ts for the
 * contract): placement and runs go through the kernel's one dispatcher, and
 * every change to a process is one of the kernel's own transitions.
 */
export function runHost(k: Kernel): RunHost {
  /** Pids this kernel runs through run() now; their copy is the source, so mirror() leaves them alone. */
  const runningHere = new Set<number>();
  const ready = (pid: number): Process => {
    const p = k.procs.must(pid);
    if (p.state !== 'ready') throw new LlmosError('LLMOS_EINVAL', `process ${pid} is ${p.state}, not ready; only a queued process can be placed.`, { pid });
    return p;
  };
  return {
    async place(pid): Promise<ProcAllocation> {
      const p = ready(pid);
      await k.dispatcher.place(p);
      return p.allocation!;
    },
    async run(pid, model): Promise<RunOutcome> {
      const info = k.models.get(model)?.backend.info;
      if (!info) throw Errors.noModel(`model "${model}" is not registered on this node`);
      const p = k.procs.must(pid);
      if (p.state === 'exited') return 'exited';
      runningHere.add(pid);
      try {
        k.procs.setState(p, 'ready'); // a replica may still show the state of a node that died running it
        if ((await k.dispatcher.runPlaced(p, [info])) === 'done') return 'exited';
        k.procs.setState(p, 'ready');
        return 'preempted';
      } finally {
        runningHere.delete(pid);
      }
    },
    fail(pid, error) {
      const p = k.procs.get(pid);
      if (p?.state === 'ready') k.procs.exit(p, 'failed', { error });
    },
    mirror: (s) => !runningHere.has(s.pid) && mirror(k, s),
  };
}

/** Makes the kernel's copy of s.pid match the record (see RunHost.mirror). */
function mirror(k: Kernel, s: ProcSnapshot): boolean {
  const p = k.procs.get(s.pid);
  if (!p) {
    k.adopt(processFromSnapshot(s));
    return true;
  }
  if (p.state === 'exited') {
    if (s.state !== 'exited') return true;
    copySnapshot(p, s);
    copyExit(p, s);
    k.procs.emit('change', p);
    return true;
  }
  copySnapshot(p, s);
  if (s.state === 'exited') {
    k.procs.exit(p, s.exit ?? 'failed', { result: s.result, error: s.error });
    copyExit(p, s);
  } else if (s.state !== p.state && s.state !== 'new') k.procs.setState(p, s.state);
  return true;
}
