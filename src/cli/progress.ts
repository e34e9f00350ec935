import cliProgress from 'cli-progress';

/** A progress bar on stderr for long CLI work; a no-op unless both stdout and stderr are terminals (piped output stays clean). */
export interface Progress {
  /** Moves to step `done` of the total, naming what runs now. */
  update(done: number, step: string): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/** A bar of `total` steps titled `title`, at step 0 named `first`; silent when output is not a terminal or LLMOS_PROGRESS=0. */
export function progressBar(title: string, total: number, first = '', stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || !process.stdout.isTTY || process.env.LLMOS_PROGRESS === '0') return SILENT;
  const bar = new cliProgress.SingleBar(
    { stream, format: `${title} [{bar}] {value}/{total} {step}`, hideCursor: true, clearOnComplete: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { step: first });
  return { update: (done, step) => bar.update(done, { step }), stop: () => bar.stop() };
}
