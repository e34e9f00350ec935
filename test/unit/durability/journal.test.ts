import Database from 'better-sqlite3';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import journal from '../../../plugins/journal-sqlite/index.js';
import { readRedo, redoPath, type RedoRow } from '../../../plugins/journal-sqlite/redo-log.js';
import { RESTART_ERROR } from '../../../src/plugin-api/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { definePlugin, type ModelBackend, type PluginDefinition } from '../../../src/plugin-api/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { tempDir, testKernel } from '../../helpers/kernel.js';

/** The journal with options, as the loader would hand them over. */
const journalWith = (o: Record<string, unknown>): PluginDefinition => ({ ...journal, register: (scope) => journal.register(scope, journal.options!.parse(o)) }) as PluginDefinition;

/** A backend that answers every prompt at once (the echo fixture hangs on "hang…"). */
class InstantBackend extends EchoBackend {
  override async complete(req: Parameters<ModelBackend['complete']>[0]) {
    this.calls++;
    const last = req.messages.at(-1)?.content ?? '';
    return { text: `instant: ${last}`, usage: { prompt_tokens: 1, completion_tokens: 2 }, finish_reason: 'stop' };
  }
}

type Row = { pid: number; state: string };
/** A process's record as the SQLite image holds it. */
const imageRecord = (dataDir: string, pid: number): { state: string; task: { prompt?: string } } => {
  const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
  try {
    return JSON.parse((db.prepare('SELECT rec FROM procs WHERE pid = ?').get(pid) as { rec: string }).rec) as { state: string; task: { prompt?: string } };
  } finally {
    db.close();
  }
};
/** The rows in the SQLite image alone, read by another connection. */
const imageRows = (dataDir: string, file = 'journal.sqlite'): Row[] => {
  const db = new Database(join(dataDir, file), { readonly: true });
  try {
    return db.prepare('SELECT pid, state FROM procs ORDER BY pid').all() as Row[];
  } finally {
    db.close();
  }
};
/** The rows a restart would find on disk now: the image, with the redo log's changes over it. */
const rows = (dataDir: string): Row[] => {
  const byPid = new Map(imageRows(dataDir).map((r) => [r.pid, r]));
  for (const r of readRedo(redoPath(dataDir, 'journal.sqlite'))) byPid.set(r.pid, { pid: r.pid, state: r.state });
  return [...byPid.values()].sort((a, b) => a.pid - b.pid);
};

const ctx = { owner: 'tester', signal: new AbortController().signal, progress: () => {} };
const raise = (): never => {
  throw new Error('disk I/O error');
};

type Tx = <T>(fn: () => T) => T;
type Append = (rows: Iterable<RedoRow>) => void;
/** The journal's database and redo log, for a test to count or fail their writes as a full disk would. */
interface Parts {
  db: { tx: Tx };
  redo: { append: Append };
}
/** The journal, with `tap` run on its parts before the kernel sees it. */
const journalTapped = (tap: (parts: Parts) => void, options: Record<string, unknown> = {}): PluginDefinition =>
  ({
    ...journal,
    register: (scope) =>
      journal.register(
        {
          ...scope,
          journal: (j: Parameters<typeof scope.journal>[0]) => {
            tap(j as unknown as Parts);
            scope.journal(j);
          },
        },
        journal.options!.parse(options),
      ),
  }) as PluginDefinition;
/** The journal with its redo log's appends wrapped. */
const journalWithAppend = (wrap: (append: Append) => Append): PluginDefinition =>
  journalTapped(({ redo }) => {
    redo.append = wrap(redo.append.bind(redo));
  });
/** The journal with its image's transactions wrapped. */
const journalWithTx = (wrap: (tx: Tx) => Tx, options: Record<string, unknown> = {}): PluginDefinition =>
  journalTapped(({ db }) => Object.defineProperty(db, 'tx', { value: wrap(db.tx) }), options);

describe('journal-sqlite', () => {
  it('never hands out a pid again after a restart, even when its row was reaped', async () => {
    const dataDir = tempDir();
    const models = () => echoPlugin([new EchoBackend('slow', { concurrency: 2 }, 30), new InstantBackend('fast', { concurrency: 2 })]);
    const first = await testKernel({ dataDir, inline: [journalWith({ max_finished: 1 }), fcfs, models()] });
    const older = first.kernel.spawn({ prompt: 'one two three four', model: 'slow' }, 'a');
    const newest = first.kernel.spawn({ prompt: 'quick', model: 'fast' }, 'a');
    await first.kernel.procs.wait(newest.pid, 5000);
    await first.kernel.procs.wait(older.pid, 5000); // exits last, so retention reaps the newest pid's row
    await first.stop(); // the image takes in the redo log, and retention applies
    expect(imageRows(dataDir).map((r) => r.pid)).toEqual([older.pid]);

    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({ max_finished: 1 }), fcfs, models()] });
    expect(kernel.spawn({ prompt: 'after restart', model: 'fast' }, 'a').pid).toBe(newest.pid + 1);
    await stop();
  });

  it('restores before any plugin starts: a process spawned in a start() gets a new pid, not a journaled one', async () => {
    const dataDir = tempDir();
    const first = await testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([new InstantBackend('echo')])] });
    const old = first.kernel.spawn({ prompt: 'before the restart' }, 'a');
    await first.kernel.procs.wait(old.pid, 5000);
    await first.stop();

    let spawnedAtStart = 0;
    const spawner = definePlugin({ name: 'spawner', version: '1.0.0', provides: [], register() {}, start: (scope) => void (spawnedAtStart = scope.kernel.spawn({ prompt: 'at start' }, 'b').pid) });
    // Listed before the journal: its start() runs first.
    const { kernel, stop } = await testKernel({ dataDir, inline: [spawner, journalWith({}), fcfs, echoPlugin([new InstantBackend('echo')])] });
    expect(spawnedAtStart).toBe(old.pid + 1);
    expect(kernel.procs.must(old.pid)).toMatchObject({ owner: 'a', result: { text: 'instant: before the restart' } });
    await stop();
  });

  it('has an accepted process on disk before proc_spawn answers, and a running one before its model is called', async () => {
    const dataDir = tempDir();
    const seen: Array<Array<{ pid: number; state: string }>> = [];
    const backend = new (class extends InstantBackend {
      override async complete(req: Parameters<ModelBackend['complete']>[0]) {
        seen.push(rows(dataDir)); // read by another connection as the call starts
        return super.complete(req);
      }
    })('echo');
    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([backend])] });
    const { pid } = (await kernel.syscalls.dispatch('proc_spawn', { prompt: 'durable at once' }, ctx)) as { pid: number };
    expect(rows(dataDir).map((r) => r.pid)).toEqual([pid]);
    await kernel.procs.wait(pid, 5000);
    expect(seen).toEqual([[{ pid, state: 'running' }]]);
    await new Promise((r) => setImmediate(r));
    expect(rows(dataDir)).toEqual([{ pid, state: 'exited' }]);
    await stop();
  });

  it('writes what many requests changed in one turn as one append', async () => {
    const dataDir = tempDir();
    let appends = 0;
    const counted = journalWithAppend((append) => (rows) => (appends++, append(rows)));
    const { kernel, stop } = await testKernel({ dataDir, inline: [counted, fcfs, echoPlugin([new InstantBackend('echo', { concurrency: 8 })])] });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => kernel.syscalls.dispatch('proc_spawn', { prompt: `p${i}` }, ctx) as Promise<{ pid: number }>));
    expect(appends).toBe(1);
    expect(rows(dataDir).map((r) => r.pid)).toEqual(answers.map((a) => a.pid));
    for (const { pid } of answers) await kernel.procs.wait(pid, 5000);
    await new Promise((r) => setImmediate(r));
    expect(rows(dataDir).every((r) => r.state === 'exited')).toBe(true);
    await stop();
  });

  it('answers LLMOS_EUNAVAILABLE and calls no model when the journal cannot write, then writes the change on its retry', async () => {
    const dataDir = tempDir();
    const backend = new InstantBackend('echo');
    let failNext = true;
    const sabotaged = journalWithAppend((append) => (rows) => (failNext ? ((failNext = false), raise()) : append(rows)));
    const { kernel, stop } = await testKernel({ dataDir, inline: [sabotaged, fcfs, echoPlugin([backend])] });
    const spawned = kernel.syscalls.dispatch('proc_spawn', { prompt: 'not durable' }, ctx);
    await expect(spawned).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: expect.stringContaining('not acknowledged') });
    const p = kernel.procs.must(kernel.procs.lastPid);
    await kernel.procs.wait(p.pid, 5000);
    expect(p).toMatchObject({ exit: 'failed', error: { code: 'LLMOS_EUNAVAILABLE' } });
    expect(backend.calls).toBe(0);
    await until(() => rows(dataDir).length === 1, 5000);
    expect(rows(dataDir)).toEqual([{ pid: p.pid, state: 'exited' }]);
    await stop();
  });

  it('replays: exited keep their result, running ones run again with one more attempt, queued ones run, pids go on', async () => {
    const dataDir = tempDir();
    const first = await testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([new EchoBackend('echo', { concurrency: 2 }, 1)])] });
    const done = first.kernel.spawn({ prompt: 'finished before' }, 'a');
    await first.kernel.procs.wait(done.pid, 5000);
    const running = [first.kernel.spawn({ prompt: 'hang 1' }, 'a'), first.kernel.spawn({ prompt: 'hang 2' }, 'a')];
    const queued = first.kernel.spawn({ prompt: 'hang 3' }, 'b');
    await until(() => running.every((p) => p.state === 'running'));
    expect(queued.state).toBe('ready');
    await first.stop(); // the journal detaches; the old kernel's calls hang on, as if it had died

    const second = new InstantBackend('echo', { concurrency: 2 });
    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([second])] });
    const again = kernel.procs.must(done.pid);
    expect(again).toMatchObject({ state: 'exited', exit: 'ok', result: { text: 'echo: finished before' } });
    for (const p of [...running, queued]) {
      const q = await kernel.procs.wait(p.pid, 5000);
      expect(q.exit).toBe('ok');
      expect(q.result?.text).toBe(`instant: ${p.task.prompt}`);
      expect(q.owner).toBe(p.owner);
    }
    for (const p of running) {
      const attempts = kernel.procs.must(p.pid).attempts;
      expect(attempts).toHaveLength(2);
      expect(attempts[0].error).toEqual(RESTART_ERROR);
      expect(attempts[1].error).toBeUndefined();
    }
    expect(kernel.procs.must(queued.pid).attempts).toHaveLength(1);
    expect(second.calls).toBe(3); // only the unfinished ones ran again
    expect(kernel.spawn({ prompt: 'after restart' }, 'a').pid).toBe(queued.pid + 1);
    await stop();
  });

  it('keeps a proc_nice across a restart', async () => {
    const dataDir = tempDir();
    const first = await testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([new EchoBackend('echo', { concurrency: 1 }, 1)])] });
    const busy = first.kernel.spawn({ prompt: 'hang on' }, 'a');
    const queued = first.kernel.spawn({ prompt: 'later' }, 'a');
    await until(() => busy.state === 'running');
    first.kernel.nice(queued.pid, 0);
    await new Promise((r) => setImmediate(r));
    await first.stop();

    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([new InstantBackend('echo', { concurrency: 1 })])] });
    expect(kernel.procs.must(queued.pid).task.priority).toBe(0);
    await stop();
  });

  it('comes back after a crash from the redo log, before the image took it in', async () => {
    const dataDir = tempDir();
    const never = { image_rows: 100_000, image_ms: 3_600_000 };
    const first = await testKernel({ dataDir, inline: [journalWith(never), fcfs, echoPlugin([new EchoBackend('echo', { concurrency: 2 }, 1)])] });
    const done = first.kernel.spawn({ prompt: 'finished before' }, 'a');
    await first.kernel.procs.wait(done.pid, 5000);
    const running = first.kernel.spawn({ prompt: 'hang on' }, 'a');
    await until(() => running.state === 'running');
    await new Promise((r) => setImmediate(r));
    expect(imageRows(dataDir)).toEqual([]); // all of it is in the redo log alone
    const crashed = tempDir();
    cpSync(dataDir, crashed, { recursive: true }); // the files as kill -9 would leave them
    await first.stop();

    const { kernel, stop } = await testKernel({ dataDir: crashed, inline: [journalWith(never), fcfs, echoPlugin([new InstantBackend('echo')])] });
    expect(kernel.procs.must(done.pid)).toMatchObject({ state: 'exited', exit: 'ok', result: { text: 'echo: finished before' } });
    const again = await kernel.procs.wait(running.pid, 5000);
    expect(again.attempts.map((a) => a.error)).toEqual([RESTART_ERROR, undefined]);
    expect(imageRows(crashed).map((r) => r.pid)).toEqual([done.pid, running.pid]); // replay took the log into the image
    await stop();
  });

  it("holds a process's task once in the redo log, and whole records in the image and after a crash", async () => {
    const dataDir = tempDir();
    const never = { image_rows: 100_000, image_ms: 3_600_000 };
    const first = await testKernel({ dataDir, inline: [journalWith(never), fcfs, echoPlugin([new EchoBackend('echo', {}, 5)])] });
    const prompt = 'a long prompt the redo log holds once; '.repeat(40);
    const done = first.kernel.spawn({ prompt }, 'a');
    await first.kernel.procs.wait(done.pid, 5000);
    await new Promise((r) => setImmediate(r));
    const log = redoPath(dataDir, 'journal.sqlite');
    expect(readRedo(log).filter((r) => r.pid === done.pid).map((r) => r.state)).toEqual(['running', 'exited']);
    expect(readFileSync(log, 'utf8').split(prompt).length - 1).toBe(1);
    const crashed = tempDir();
    cpSync(dataDir, crashed, { recursive: true }); // the files as kill -9 would leave them
    await first.stop();
    expect(imageRecord(dataDir, done.pid)).toMatchObject({ state: 'exited', task: { prompt } }); // stop took the log in

    const { kernel, stop } = await testKernel({ dataDir: crashed, inline: [journalWith(never), fcfs, echoPlugin([new InstantBackend('echo')])] });
    expect(kernel.procs.must(done.pid)).toMatchObject({ state: 'exited', exit: 'ok', task: { prompt } });
    expect(imageRecord(crashed, done.pid)).toMatchObject({ state: 'exited', task: { prompt } });
    await stop();
  });

  it('writes a process\'s task again once the image took in the log that held it', async () => {
    const dataDir = tempDir();
    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({ image_rows: 1 }), fcfs, echoPlugin([new EchoBackend('echo', {}, 50)])] });
    const p = kernel.spawn({ prompt: 'taken in while it runs' }, 'a');
    await until(() => imageRows(dataDir).some((r) => r.pid === p.pid && r.state === 'running'));
    await kernel.procs.wait(p.pid, 5000);
    await until(() => imageRows(dataDir).some((r) => r.pid === p.pid && r.state === 'exited'));
    expect(imageRecord(dataDir, p.pid)).toMatchObject({ state: 'exited', task: { prompt: 'taken in while it runs' } });
    await stop();
  });

  it('drops a line torn by a crash mid-write, which was never acknowledged', async () => {
    const dataDir = tempDir();
    const first = await testKernel({ dataDir, inline: [journalWith({ image_rows: 100_000 }), fcfs, echoPlugin([new InstantBackend('echo')])] });
    const done = first.kernel.spawn({ prompt: 'whole' }, 'a');
    await first.kernel.procs.wait(done.pid, 5000);
    await new Promise((r) => setImmediate(r));
    const crashed = tempDir();
    cpSync(dataDir, crashed, { recursive: true });
    await first.stop();
    appendFileSync(redoPath(crashed, 'journal.sqlite'), `${done.pid + 1}\tready\t\t{"pid":${done.pid + 1},"task":{"pro`);

    const { kernel, stop } = await testKernel({ dataDir: crashed, inline: [journalWith({}), fcfs, echoPlugin([new InstantBackend('echo')])] });
    expect(kernel.procs.must(done.pid).result?.text).toBe('instant: whole');
    expect(kernel.procs.get(done.pid + 1)).toBeUndefined();
    expect(kernel.spawn({ prompt: 'next' }, 'a').pid).toBe(done.pid + 1);
    await stop();
  });

  it('refuses to start on a redo log with a broken line before its end, naming the file and what to do', async () => {
    const dataDir = tempDir();
    writeFileSync(redoPath(dataDir, 'journal.sqlite'), 'not a row\n');
    await expect(testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([new InstantBackend('echo')])] })).rejects.toThrow(/line 1 of the journal's redo log .*journal\.sqlite-redo is not a row; move the file aside/);
  });

  it('takes the redo log into the image once it holds image_rows rows, and empties it', async () => {
    const dataDir = tempDir();
    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({ image_rows: 4, image_ms: 3_600_000 }), fcfs, echoPlugin([new InstantBackend('echo', { concurrency: 4 })])] });
    const ps = Array.from({ length: 4 }, (_, i) => kernel.spawn({ prompt: `p${i}` }, 'a'));
    for (const p of ps) await kernel.procs.wait(p.pid, 5000);
    await until(() => imageRows(dataDir).length === 4);
    await new Promise((r) => setImmediate(r));
    expect(imageRows(dataDir)).toEqual(ps.map((p) => ({ pid: p.pid, state: 'exited' })));
    expect(readRedo(redoPath(dataDir, 'journal.sqlite'))).toEqual([]);
    await stop();
  });

  it('keeps the redo log when the image cannot be written, and the next start takes it in', async () => {
    const dataDir = tempDir();
    const broken = journalWithTx(() => raise, { image_rows: 1 });
    const first = await testKernel({ dataDir, inline: [broken, fcfs, echoPlugin([new InstantBackend('echo')])] });
    const p = await first.kernel.syscalls.dispatch('proc_spawn', { prompt: 'kept', wait: true }, ctx) as { pid: number; exit: string };
    expect(p.exit).toBe('ok'); // durable in the log: the client hears nothing of the image
    await first.stop();
    expect(imageRows(dataDir)).toEqual([]);
    expect(readRedo(redoPath(dataDir, 'journal.sqlite')).map((r) => r.pid)).toContain(p.pid);

    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({}), fcfs, echoPlugin([new InstantBackend('echo')])] });
    expect(kernel.procs.must(p.pid).result?.text).toBe('instant: kept');
    await stop();
    expect(imageRows(dataDir).map((r) => r.pid)).toEqual([p.pid]);
  });

  it('deletes exited rows beyond max_finished', async () => {
    const dataDir = tempDir();
    const { kernel, stop } = await testKernel({ dataDir, inline: [journalWith({ max_finished: 3 }), fcfs, echoPlugin([new InstantBackend('echo', { concurrency: 4 })])] });
    const ps = Array.from({ length: 10 }, (_, i) => kernel.spawn({ prompt: `p${i}` }, 'a'));
    for (const p of ps) await kernel.procs.wait(p.pid, 5000);
    await stop(); // takes the redo log into the image, as every IMAGE_EVERY does
    const left = imageRows(dataDir);
    expect(left).toHaveLength(3);
    expect(left.every((r) => r.state === 'exited')).toBe(true);
    expect(readRedo(redoPath(dataDir, 'journal.sqlite'))).toEqual([]);
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
