import type { ProcSnapshot } from './proc-snapshot.js';

/** What the kernel tells a journal when it asks for the records to restore. */
export interface JournalContext {
  /** Exited processes the kernel's table keeps (LLMOS_MAX_FINISHED); a journal keeps as many unless configured otherwise. */
  readonly maxFinished: number;
}

/** What a journal hands back at boot. */
export interface JournalReplay {
  /** Every process to bring back, in pid order, as it was last written. */
  readonly records: Iterable<ProcSnapshot>;
  /** The highest pid ever handed out (0 when none), counting processes whose records were already dropped. */
  readonly lastPid: number;
}

/**
 * The journal extension point: where the process table outlives the server
 * (at most one per kernel; see PluginScope.journal).
 *
 * Writing: a journal hears every change through KernelApi.onProc ('state',
 * 'exit', 'change') and may batch what it hears. What the kernel has
 * acknowledged must be durable, so the kernel waits for durable() before it
 * answers a syscall (a pid from proc_spawn is on disk before the client sees
 * it) and before it calls a model (every process that may have reached a
 * model is known after a crash). A batch lost to a crash before anyone
 * waited for it only means a finished call runs again (at-least-once). A
 * journal without durable() writes in its listeners, which run synchronously
 * inside the kernel's transition.
 *
 * Restoring: replay() is called once, at boot, after every plugin registered
 * and before any plugin starts. The kernel, not the journal, rebuilds the
 * processes: exited ones come back as they were; a live group fails (its
 * driver died with the server); a task that was RUNNING gets its in-flight
 * attempt closed with RESTART_ERROR; every live task is queued again under its
 * old pid. New pids continue after `lastPid`. The journal hears these
 * transitions like any other.
 */
export interface Journal {
  readonly name: string;
  /** The records to restore; see above. Throwing fails the boot. */
  replay(ctx: JournalContext): JournalReplay;
  /**
   * Resolves once every change heard so far is durable; undefined when
   * nothing is pending. Rejects (with an LlmosError) when the write failed:
   * the kernel then refuses what it was about to acknowledge or call.
   */
  durable?(): Promise<void> | undefined;
}

/** The error recorded on an attempt that was in flight when the server died. */
export const RESTART_ERROR = { code: 'LLMOS_EINTERNAL', message: 'server restarted during the call; the process was queued again (at-least-once).' } as const;
