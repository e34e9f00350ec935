import { describe, expect, it } from 'vitest';
import { extractAnswer, lastNumber, majorityVote, normalizeAnswer, rankByAllocation } from '../../../src/plugin-api/fusion.js';
import { takeK } from '../../../plugins/collab/pick-models.js';
import { parseJudgeChoice } from '../../../plugins/collab/prompts.js';
import { checkTemplate, render } from '../../../plugins/collab/template.js';

describe('answers as votes', () => {
  it('normalizes case, whitespace, punctuation and leading articles, keeping decimals', () => {
    expect(normalizeAnswer('  The   Eiffel Tower!! ')).toBe('eiffel tower');
    expect(normalizeAnswer('Paris.')).toBe(normalizeAnswer('paris'));
    expect(normalizeAnswer('It costs 3.50, i.e. 1,000 cents?')).toBe('it costs 3.50 i e 1000 cents');
  });

  it('extracts explicit answers, option letters and numbers', () => {
    expect(extractAnswer('Let me think. Answer: B')).toBe('b');
    expect(extractAnswer('(C) because of gravity')).toBe('c'); // a leading letter needs punctuation after it
    expect(extractAnswer('C) because of gravity')).toBe('c');
    expect(extractAnswer("['D\\n']".slice(2, -2).replace('\\n', '\n'))).toBe('d');
    expect(extractAnswer('So the final answer is 42.')).toBe('42');
    expect(extractAnswer('We get \\boxed{3.50} dollars')).toBe('3.5');
    expect(extractAnswer('She had 3 apples and ate 1, leaving 2', 'auto', true)).toBe('2');
    expect(extractAnswer('She had 3 apples and ate 1, leaving 2')).toBe('she had 3 apples and ate 1 leaving 2');
    expect(extractAnswer('A dog barked')).toBe('dog barked'); // "A" as an article, not option A
    expect(extractAnswer('I think it is option B here', 'choice')).toBe('b');
    expect(extractAnswer('1,000', 'number')).toBe('1000');
    expect(lastNumber('no digits')).toBeUndefined();
  });

  it('majority vote counts keys and breaks ties by ballot order', () => {
    const v = majorityVote(['b', 'a', 'b', 'c']);
    expect(v.winner).toBe('b');
    expect(v.winnerIndex).toBe(0);
    expect(v.agreement).toBe(0.5);
    expect(v.votes.map((x) => [x.key, x.count])).toEqual([['b', 2], ['a', 1], ['c', 1]]);
    const tie = majorityVote(['x', 'y', 'y', 'x']);
    expect([tie.winner, tie.tie]).toEqual(['x', true]);
    expect(majorityVote([]).winner).toBeUndefined();
  });
});

describe('judge replies', () => {
  it('reads the choice in the forms small models write', () => {
    expect(parseJudgeChoice('Best: 2\nRationale: it is precise.', 3)).toEqual({ index: 1, rationale: 'it is precise.', how: 'best-line' });
    expect(parseJudgeChoice('**Best answer**: #3', 3).index).toBe(2);
    expect(parseJudgeChoice('I would choose Answer 1 since it is right', 2)).toMatchObject({ index: 0, how: 'answer-ref' });
    expect(parseJudgeChoice('2. It explains more.', 2)).toMatchObject({ index: 1, how: 'lone-number' });
  });

  it('ignores numbers outside the candidates and says so', () => {
    const far = parseJudgeChoice('Best: 7', 3);
    expect([far.index, far.how]).toEqual([undefined, 'none']);
    expect(parseJudgeChoice('They are all fine.', 3).how).toBe('none');
  });
});

describe('templates and model ranking', () => {
  it('fills placeholders and rejects unknown ones', () => {
    expect(render('Q: {{input}} / {{ prev }}', { input: 'x', prev: 'y {{input}}' })).toBe('Q: x / y {{input}}');
    expect(() => checkTemplate('{{input}} {{nope}}', ['input', 'prev'], 'steps[0].template')).toThrow(/\{\{nope\}\}/);
  });

  it('ranks by one allocation: chosen first, then by score, unscored last', () => {
    expect(rankByAllocation(['a', 'b', 'c', 'd'], { model: 'c', scores: { a: 0.1, b: 0.9, c: 0.5 } })).toEqual(['c', 'b', 'a', 'd']);
    expect(takeK(['m1', 'm2'], 5)).toEqual(['m1', 'm2', 'm1', 'm2', 'm1']);
  });
});
