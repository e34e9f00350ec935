import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatChunk, textChunk } from '../../../plugins/gateway-openai/shapes.js';
import type { Process } from '../../../src/plugin-api/index.js';

/** Just what a chunk reads of a process: pid, created, the model that ran it, the task's model. */
const proc = (pid: number, created: number, model: string | undefined, asked: string) => ({ pid, created, model, task: { model: asked } }) as unknown as Process;

describe('gateway-openai: a streamed token event', () => {
  it('is the bytes the general chunk builder gives, for any text, model, pid and choice', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }), // lone surrogates, quotes, backslashes, control characters
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        fc.string({ maxLength: 20 }),
        fc.nat(),
        fc.nat({ max: 2 ** 42 }),
        fc.nat({ max: 3 }),
        (text, model, asked, pid, created, i) => {
          const ps = [proc(pid, created, model, asked), proc(pid + 1, created, model, asked), proc(pid + 2, created, 'other', asked), proc(pid + 3, created, undefined, asked)];
          const fast = textChunk(ps, i, text);
          expect(fast).toBe(chatChunk(ps, i, { content: text }));
          expect(JSON.parse(fast.slice('data: '.length))).toMatchObject({ choices: [{ index: i, delta: { content: JSON.parse(JSON.stringify(text)) } }] });
        },
      ),
      { numRuns: 500 },
    );
  });
});
