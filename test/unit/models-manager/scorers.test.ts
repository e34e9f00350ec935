import { describe, expect, it } from 'vitest';
import { checkItem, parseSuite } from '../../../plugins/model-core/eval-suite.js';
import { extractJson, lastNumber, Scorer } from '../../../plugins/model-core/scorers.js';
import { percentile } from '../../../plugins/model-core/stats.js';

const s = new Scorer();
const item = (o: Record<string, unknown>) => checkItem({ prompt: 'p', ...o }, 'test');

describe('scorers', () => {
  it('exact trims, and folds case only when asked', () => {
    expect(s.score(item({ scorer: 'exact', expected: 'Paris' }), '  Paris\n').pass).toBe(true);
    expect(s.score(item({ scorer: 'exact', expected: 'Paris' }), 'paris').pass).toBe(false);
    expect(s.score(item({ scorer: 'exact', expected: 'Paris', ignore_case: true }), 'PARIS').pass).toBe(true);
  });

  it('contains and regex', () => {
    expect(s.score(item({ scorer: 'contains', expected: 'bonjour' }), 'Il dit bonjour.').pass).toBe(true);
    expect(s.score(item({ scorer: 'contains', expected: 'bonjour' }), 'Bonjour').pass).toBe(false);
    expect(s.score(item({ scorer: 'regex', expected: '^\\d{3}-\\d{4}$' }), '555-1234').pass).toBe(true);
    expect(s.score(item({ scorer: 'regex', expected: 'bon(jour|soir)', ignore_case: true }), 'BONSOIR').pass).toBe(true);
  });

  it('numeric-tolerance takes the last number, absolute or relative', () => {
    expect(lastNumber('12 + 30 = 42.')).toBe(42);
    expect(lastNumber('about 1,234,567 people')).toBe(1234567);
    expect(lastNumber('none')).toBeUndefined();
    expect(s.score(item({ scorer: 'numeric-tolerance', expected: 3.14159, tolerance: 0.01 }), 'pi is 3.14').pass).toBe(true);
    expect(s.score(item({ scorer: 'numeric-tolerance', expected: 100, rel_tolerance: 0.05 }), '104').pass).toBe(true);
    expect(s.score(item({ scorer: 'numeric-tolerance', expected: 100, rel_tolerance: 0.05 }), '106')).toMatchObject({ pass: false, detail: 'got 106, want 100 ± 5' });
    expect(s.score(item({ scorer: 'numeric-tolerance', expected: '7' }), 'seven')).toMatchObject({ pass: false, detail: 'no number in the answer' });
  });

  it('json-schema finds the JSON in the answer and validates it with ajv', () => {
    const schema = { type: 'object', required: ['name', 'age'], properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } } };
    expect(extractJson('Sure:\n```json\n{"a": [1, 2]}\n```')).toEqual({ a: [1, 2] });
    expect(extractJson('Here it is {"a": 1} hope it helps')).toEqual({ a: 1 });
    expect(s.score(item({ scorer: 'json-schema', expected: schema }), 'Answer: {"name": "Ada", "age": 36}').pass).toBe(true);
    const bad = s.score(item({ scorer: 'json-schema', expected: schema }), '{"name": "Ada", "age": -1}');
    expect(bad.pass).toBe(false);
    expect(bad.detail).toContain('age');
    expect(s.score(item({ scorer: 'json-schema', expected: schema }), 'no json here')).toMatchObject({ pass: false });
    expect(() => s.check(item({ scorer: 'json-schema', expected: { type: 'no-such-type' } }))).toThrow();
  });
});

describe('suite parsing', () => {
  it('parses JSONL, skipping blank lines', () => {
    const items = parseSuite('{"prompt":"a","expected":"a","scorer":"exact"}\n\n{"messages":[{"role":"user","content":"b"}],"expected":2,"scorer":"numeric-tolerance","type":"math"}\n');
    expect(items.map((i) => [i.scorer, i.type])).toEqual([['exact', undefined], ['numeric-tolerance', 'math']]);
  });

  it('names the line and field of a bad item', () => {
    expect(() => parseSuite('{"prompt":"a","expected":"a","scorer":"exact"}\nnot json')).toThrow(/line 2 is not JSON/);
    expect(() => parseSuite('{"prompt":"a","expected":"a","scorer":"fuzzy"}')).toThrow(/line 1: scorer/);
    expect(() => parseSuite('{"expected":"a","scorer":"exact"}')).toThrow(/exactly one of "prompt" or "messages"/);
    expect(() => parseSuite('{"prompt":"a","expected":5,"scorer":"contains"}')).toThrow(/needs "expected" to be a string/);
    expect(() => parseSuite('{"prompt":"a","expected":"(","scorer":"regex"}')).toThrow(/does not parse/);
    expect(() => parseSuite('{"prompt":"a","expected":"(a)\\\\1","scorer":"regex"}')).toThrow(/no backreferences/);
  });

  it('matches a catastrophic pattern in linear time: a client regex cannot freeze the server', () => {
    const s = new Scorer();
    const text = 'a'.repeat(50_000);
    // A backtracking engine takes exponential time here; RE2 answers after one pass.
    const t0 = process.hrtime.bigint();
    expect(s.score(item({ scorer: 'regex', expected: '^([\\s\\S]+)+$Z' }), text).pass).toBe(false);
    expect(s.score(item({ scorer: 'regex', expected: '^(a|aa)+$' }), text + 'b').pass).toBe(false);
    // Not a timing assertion: a bound no machine misses unless matching backtracks (which would take years).
    expect(Number(process.hrtime.bigint() - t0) / 1e9).toBeLessThan(30);
  });
});

describe('percentile', () => {
  it('is nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(xs, 0.5), percentile(xs, 0.95), percentile([], 0.5), percentile([7], 0.95)]).toEqual([50, 95, 0, 7]);
  });
});
