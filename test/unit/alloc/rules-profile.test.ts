import { describe, expect, it } from 'vitest';
import { RulesAllocator, validateRules } from '../../../plugins/alloc-rules/index.js';
import { RulesOptions } from '../../../plugins/alloc-rules/rules.js';
import { model, task } from './helpers.js';

const cands = ['chat', 'specialist', 'en-fr', 'any-fr', 'python', 'general'].map((id) => model(id));
const known = new Set(cands.map((m) => m.id));

describe('alloc-rules over profiled fields', () => {
  const cfg = RulesOptions.parse({
    rules: [
      { match: { pair: 'en->fr' }, model: 'en-fr' },
      { match: { pair: '*->fr', min_confidence: 0.9 }, model: 'any-fr' },
      { match: { code_language: ['python'], min_confidence: { code_language: 0.8 } }, model: 'python' },
      { match: { intent: 'professional', min_confidence: 0.7 }, model: 'specialist' },
      { match: { intent: 'chit-chat' }, model: 'chat' },
    ],
    default: 'general',
  });
  validateRules(cfg, known);
  const r = new RulesAllocator(cfg);

  it('routes by pair, code language and intent, and says which fields decided', () => {
    const a = r.choose(task('x', { language: 'en', target_language: 'fr', confidence: { language: 0.9, target_language: 0.95 } }), cands);
    expect(a).toMatchObject({ model: 'en-fr', decided_by: { pair: { value: 'en->fr', confidence: 0.9 } } });
    expect(a.reason).toMatch(/^rule 0 matched on pair=en->fr \(0\.9\) and names model en-fr/);
    expect(r.choose(task('x', { language: 'de', target_language: 'fr', confidence: { language: 1, target_language: 0.95 } }), cands).model).toBe('any-fr');
    expect(r.choose(task('x', { code_language: 'python', confidence: { code_language: 0.97 } }), cands)).toMatchObject({ model: 'python', decided_by: { code_language: { value: 'python', confidence: 0.97 } } });
    expect(r.choose(task('x', { intent: 'chit-chat', confidence: { intent: 0.6 } }), cands).model).toBe('chat');
  });

  it('passes over a rule whose field is too uncertain, and says so', () => {
    const weak = r.choose(task('x', { code_language: 'python', intent: 'professional', confidence: { code_language: 0.5, intent: 0.6 } }), cands);
    expect(weak.model).toBe('general');
    expect(weak.reason).toMatch(/rule 2 was passed over: code_language=python at confidence 0.5 < 0.8/);
    expect(r.choose(task('x', { language: 'de', target_language: 'fr', confidence: { language: 0.3, target_language: 0.95 } }), cands).model).toBe('general');
  });

  it('treats fields the caller stated (no confidence given) as sure', () => {
    expect(r.choose(task('x', { intent: 'professional' }), cands).model).toBe('specialist');
  });

  it.each([
    [{ rules: [{ match: { target_language: 'French' }, model: 'chat' }] }, /ISO 639-1 code in lower case/],
    [{ rules: [{ match: { pair: 'en>fr' }, model: 'chat' }] }, /source->target/],
    [{ rules: [{ match: { code_language: 'Python' }, model: 'chat' }] }, /LLMOS id in lower case/],
    [{ rules: [{ match: { intent: 'smalltalk' }, model: 'chat' }] }, /chit-chat/],
    [{ rules: [{ match: { intent: 'professional', min_confidence: 1.5 }, model: 'chat' }] }, /1/],
  ])('refuses a malformed rule in the schema: %j', (bad, msg) => {
    const parsed = RulesOptions.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(msg);
  });

  it.each([
    [{ match: { language: 'en', source_language: 'en' }, model: 'chat' }, /gives both "language" and "source_language"/],
    [{ match: { type: 'code', min_confidence: 0.8 }, model: 'chat' }, /sets min_confidence but names no profiled field/],
  ])('refuses a contradictory rule with LLMOS_EPLUGIN naming it: %j', (rule, msg) => {
    const c = RulesOptions.parse({ rules: [{ match: {}, model: 'chat' }, rule] });
    expect(() => validateRules(c, known)).toThrow(msg);
    try {
      validateRules(c, known);
    } catch (e) {
      expect((e as { code: string }).code).toBe('LLMOS_EPLUGIN');
      expect((e as Error).message).toMatch(/rule 1/);
    }
  });
});
