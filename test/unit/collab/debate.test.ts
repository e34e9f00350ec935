import { describe, expect, it } from 'vitest';
import { ScriptedBackend } from '../../fixtures/scripted-backend.js';
import { childUsage, useCollabKernel } from './collab-kernel.js';

const start = useCollabKernel();

describe('collab_debate', () => {
  it('each round shows every debater the others\' answers, then the judge concludes', async () => {
    const a = new ScriptedBackend('a', () => 'Answer: 4');
    const b = new ScriptedBackend('b', (p) => (p.includes('Participant') ? 'You are right. Answer: 4' : 'Answer: 5'));
    const c = new ScriptedBackend('c', () => 'Answer: 5');
    const judge = new ScriptedBackend('judge', () => 'Answer: 4\nRationale: two of three argue 4 convincingly.');
    const { kernel, call } = await start([a, b, c, judge]);
    const out = await call('collab_debate', { prompt: 'What is 2+2?', models: ['a', 'b', 'c'], rounds: 2, judge_model: 'judge', max_tokens: 32 });
    expect(out.exit).toBe('ok');
    expect(out.collab.rounds).toHaveLength(2);
    expect(out.collab.rounds[0].map((t: any) => t.key)).toEqual(['4', '5', '5']);
    expect(out.collab.rounds[1].map((t: any) => t.key)).toEqual(['4', '4', '5']);
    expect(b.prompts[1]).toContain('Your previous answer:\nAnswer: 5');
    expect(b.prompts[1]).toContain('Participant 1:\nAnswer: 4');
    expect(b.prompts[1]).toContain('Participant 2:\nAnswer: 5');
    expect(a.prompts[0]).not.toContain('Participant');
    expect(out.collab.conclusion).toMatchObject({ method: 'judge', answer: '4', rationale: 'two of three argue 4 convincingly.', judge_model: 'judge' });
    expect(out.result.text).toContain('Answer: 4');
    expect(out.collab.children.map((ch: any) => ch.role)).toEqual([...Array(6).fill('debater'), 'judge']);
    expect(out.usage.cost_usd).toBeCloseTo(childUsage(kernel, out.children).cost_usd, 12);
  });

  it('ends at consensus without a judge', async () => {
    const judge = new ScriptedBackend('judge', () => 'Answer: ?');
    const { call } = await start([new ScriptedBackend('a', () => 'Paris.'), new ScriptedBackend('b', () => 'paris'), judge]);
    const out = await call('collab_debate', { prompt: 'Capital of France?', models: ['a', 'b'], rounds: 3, judge_model: 'judge' });
    expect(out.collab.stopped_after_round).toBe(1);
    expect(out.collab.conclusion.method).toBe('consensus');
    expect(out.result.text).toBe('Paris.');
    expect(judge.prompts).toHaveLength(0);
    expect(out.children).toHaveLength(2);
  });
});
