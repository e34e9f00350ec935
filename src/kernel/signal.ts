/** What untilStopped and a slot's waiters need of a process (see Process.stop). */
export interface Stoppable {
  readonly stopped: boolean;
  readonly stopCause: unknown;
  onStop(fn: (reason: unknown) => void): () => void;
}

/**
 * Settles like `work`, or rejects with the stop's reason as soon as the
 * process is stopped (at once if it already was). `work` itself is not
 * stopped: its result is dropped. Leaves no listener behind.
 */
export function untilStopped<T>(p: Stoppable, work: Promise<T>): Promise<T> {
  if (p.stopped) return Promise.reject(p.stopCause);
  return new Promise<T>((resolve, reject) => {
    const off = p.onStop(reject);
    work.then(
      (v) => (off(), resolve(v)),
      (e: unknown) => (off(), reject(e)),
    );
  });
}
