// What the kernel waits for at each durable(): one event-loop turn's changes, written
// the way journal-sqlite did before its redo log (a SQLite commit of the rows) and the
// way it does now (one append to the redo log; the SQLite image reads the log back later,
// `image_rows` rows at a time, and commits each process once).
//
//   npm run build && node test/bench/journal-write.mjs [--turns 4000] [--record-bytes 1100]
//
// Prints wall and CPU µs per turn for turns of 1, 3, 10 and 60 rows (c=1 writes one row a
// turn; the gateway bench sees ~3 at c=10 and ~60 at c=100), and the image's cost per row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, fromDist } from './dist.mjs';

const turns = arg('turns', 4000);
const recordBytes = arg('record-bytes', 1100);
const { JournalDb } = await fromDist('plugins/journal-sqlite/journal-db.js');
const { RedoLog, readRedo, redoPath } = await fromDist('plugins/journal-sqlite/redo-log.js');

const IMAGE_ROWS = 256; // journal-sqlite's default image_rows
const rec = (pid) => JSON.stringify({ pid, task: { prompt: 'x'.repeat(recordBytes - 40) } });

/** Runs `turn(i)` `turns` times; wall and CPU µs per turn. */
function time(turn) {
  for (let i = 0; i < 200; i++) turn(i); // warm-up
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < turns; i++) turn(i);
  const cpu = process.cpuUsage(c0);
  return { wall: ((performance.now() - t0) * 1000) / turns, cpu: (cpu.user + cpu.system) / turns };
}

/** A fresh journal file in a temporary dir, and a pid counter; `done` deletes it. */
function journalFile() {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-journal-bench-'));
  const db = new JournalDb(dir, 'journal.sqlite', 'NORMAL');
  let pid = 0;
  return {
    dir,
    db,
    nextPid: () => ++pid,
    /** One SQLite transaction of k new rows (exited ones with their exit number, as the image writes them). */
    commit: (k, exited) =>
      db.tx(() => {
        for (let j = 0; j < k; j++) {
          const p = ++pid;
          db.put(p, exited ? 'exited' : 'running', exited ? p : null, rec(p));
        }
        if (exited) db.reap(pid - 1000);
      }),
    done: () => (db.close(), rmSync(dir, { recursive: true, force: true })),
  };
}

const rows = [];
for (const k of [1, 3, 10, 60]) {
  const file = journalFile();
  const commit = time(() => file.commit(k, false)); // before: each turn commits its rows
  const redo = new RedoLog(redoPath(file.dir, 'journal.sqlite'), false);
  let size = 0;
  const append = time(() => {
    const batch = [];
    for (let j = 0; j < k; j++) {
      const p = file.nextPid();
      batch.push({ pid: p, state: 'running', exitSeq: null, rec: rec(p) });
    }
    redo.append(batch);
    if ((size += k) >= IMAGE_ROWS) (redo.clear(), (size = 0)); // as the image empties it
  });
  rows.push({ 'rows a turn': k, 'SQLite commit µs (wall / cpu)': `${commit.wall.toFixed(1)} / ${commit.cpu.toFixed(1)}`, 'redo append µs (wall / cpu)': `${append.wall.toFixed(1)} / ${append.cpu.toFixed(1)}`, 'commit / append (cpu)': (commit.cpu / append.cpu).toFixed(1) });
  redo.close();
  file.done();
}
console.table(rows);

// The image: it reads the log back, then commits its rows.
const file = journalFile();
const log = new RedoLog(redoPath(file.dir, 'journal.sqlite'), false);
log.append(Array.from({ length: IMAGE_ROWS }, () => file.nextPid()).map((pid) => ({ pid, state: 'exited', exitSeq: pid, rec: rec(pid) })));
const read = time(() => readRedo(log.path));
const image = time(() => file.commit(IMAGE_ROWS, true));
console.log(`the image, a row: reading the log back ${(read.cpu / IMAGE_ROWS).toFixed(2)} µs cpu, committing ${IMAGE_ROWS} rows (with retention at 1,000) ${(image.wall / IMAGE_ROWS).toFixed(1)} µs wall, ${(image.cpu / IMAGE_ROWS).toFixed(1)} µs cpu`);
log.close();
file.done();
