import { describe, expect, it } from 'vitest';
import { procSnapshot, procSnapshotJson } from '../../../src/core/proc-snapshot.js';
import { TaskSchema } from '../../../src/core/task.js';
import { LlmosError } from '../../../src/core/errors.js';
import { ProcessTable } from '../../../src/kernel/proc.js';

describe('procSnapshotJson', () => {
  it('is JSON.stringify(procSnapshot(p)) for a process with every field set, and for a bare one', () => {
    const t = new ProcessTable();
    const parent = t.alloc(TaskSchema.parse({ prompt: 'plan' }), 'user:ann');
    const p = t.alloc(TaskSchema.parse({ messages: [{ role: 'user', content: 'hi ✓' }], priority: 3, metadata: { run: 'a' } }), 'user:ann', parent.pid);
    p.model = 'm1';
    p.attempts.push({ model: 'm1', version: '1', started: 1, finished: 2, error: { code: 'LLMOS_EUPSTREAM', message: 'x' } });
    p.usage.prompt_tokens = 5;
    p.allocation = { model: 'm1', strategy: 'bandit', reason: 'best', scores: { m1: 0.9, m2: 0.1 } } as never;
    p.rating = 0.5;
    t.exit(p, 'failed', { result: { text: 'partial', finish_reason: 'stop' }, error: new LlmosError('LLMOS_EUPSTREAM', 'bad', { status: 500 }) });
    expect(procSnapshotJson(p)).toBe(JSON.stringify(procSnapshot(p)));
    expect(procSnapshotJson(parent)).toBe(JSON.stringify(procSnapshot(parent)));
  });

  it('follows the process through its changes, its task serialized once until proc_nice replaces it', () => {
    const t = new ProcessTable();
    const p = t.alloc(TaskSchema.parse({ prompt: 'once' }), 'user:ann');
    const same = () => expect(procSnapshotJson(p)).toBe(JSON.stringify(procSnapshot(p)));
    same();
    t.setState(p, 'ready');
    same();
    p.task = { ...p.task, priority: 9 }; // as Kernel.nice does
    same();
    expect(JSON.parse(procSnapshotJson(p)).task.priority).toBe(9);
    t.exit(p, 'ok', { result: { text: 'done', finish_reason: 'stop' } });
    same();
  });
});
