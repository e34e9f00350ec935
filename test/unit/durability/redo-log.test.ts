import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRedo, RedoLog, type RedoRow } from '../../../plugins/journal-sqlite/redo-log.js';
import { withTaskOf } from '../../../plugins/journal-sqlite/redo-merge.js';
import { tempDir } from '../../helpers/kernel.js';

describe("journal-sqlite's redo log", () => {
  it('reads back each row as appended: whole with or without its task length, and without its task', () => {
    const log = new RedoLog(join(tempDir(), 'journal.sqlite-redo'), false);
    const rows: RedoRow[] = [
      { pid: 1, state: 'running', exitSeq: null, rec: '{"pid":1,"task":{"prompt":"a\\tb"},"created":1}' }, // as a previous version wrote it
      { pid: 2, state: 'running', exitSeq: null, rec: '{"pid":2,"task":{"prompt":"x"},"created":2}', taskLength: 14 },
      { pid: 2, state: 'exited', exitSeq: 7, rec: '{"pid":2,"task":,"created":2,"finished":3}', taskLength: null },
    ];
    log.append(rows);
    expect(readRedo(log.path)).toEqual(rows);
    log.close();
  });

  it("puts a row's task back from the process's row before it, and refuses a row with none before it", () => {
    const task = JSON.stringify({ prompt: '"task":' });
    const [whole, taskless] = [
      { pid: 2, state: 'running', exitSeq: null, rec: `{"pid":2,"owner":"task","task":${task},"created":2}`, taskLength: task.length },
      { pid: 2, state: 'exited', exitSeq: 7, rec: '{"pid":2,"owner":"task","task":,"created":2,"finished":3}', taskLength: null },
    ];
    const merged = withTaskOf(taskless, whole, '/data/journal.sqlite-redo');
    expect(JSON.parse(merged.rec)).toEqual({ pid: 2, owner: 'task', task: { prompt: '"task":' }, created: 2, finished: 3 });
    expect(withTaskOf({ ...taskless, state: 'exited' }, merged, 'p').rec).toBe(merged.rec);
    // A client names its own user: an owner that spells the task's key is escaped, so the task is still found after the real key.
    const owner = JSON.stringify('x","task":1,"y');
    const hostile = withTaskOf({ ...taskless, rec: `{"pid":2,"owner":${owner},"task":,"created":2}` }, { ...whole, rec: `{"pid":2,"owner":${owner},"task":${task},"created":2}` }, 'p');
    expect(JSON.parse(hostile.rec)).toEqual({ pid: 2, owner: 'x","task":1,"y', task: { prompt: '"task":' }, created: 2 });
    expect(() => withTaskOf(taskless, undefined, '/data/journal.sqlite-redo')).toThrow(/journal\.sqlite-redo has a row of process 2 without its task and no earlier row with it; move the file aside/);
  });
});
