import { Ajv, type ValidateFunction } from 'ajv';
import type { EvalItem } from './eval-suite.js';
import { safeRegex } from '../../src/plugin-api/index.js';

export interface Score {
  pass: boolean;
  /** Why it failed, in a few words. */
  detail?: string;
}

/** The first JSON value in a model's answer: a ```json fence, else the outermost {...} or [...], else the whole text. */
export function extractJson(text: string): unknown {
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidates = [fence?.[1], text.trim()];
  const open = text.search(/[{[]/);
  if (open >= 0) candidates.push(text.slice(open, Math.max(text.lastIndexOf('}'), text.lastIndexOf(']')) + 1));
  for (const c of candidates) {
    if (!c?.trim()) continue;
    try {
      return JSON.parse(c);
    } catch {
      /* try the next form */
    }
  }
  throw new Error('no JSON value found in the answer');
}

/** The last number in a text ("12 + 30 = 42" gives 42); thousands separators are ignored. */
export function lastNumber(text: string): number | undefined {
  const all = text.replace(/(\d),(?=\d{3}\b)/g, '$1').match(/[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?/g);
  return all ? Number(all[all.length - 1]) : undefined;
}

/** Scores answers; compiled JSON schemas are cached per schema object. */
export class Scorer {
  private readonly ajv = new Ajv({ allErrors: false, strict: false });
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  score(item: EvalItem, answer: string): Score {
    const fold = (s: string) => (item.ignore_case ? s.toLowerCase() : s);
    switch (item.scorer) {
      case 'exact':
        return { pass: fold(answer.trim()) === fold(String(item.expected).trim()) };
      case 'contains':
        return { pass: fold(answer).includes(fold(String(item.expected))) };
      case 'regex':
        return { pass: safeRegex(String(item.expected), `${item.flags ?? ''}${item.ignore_case ? 'i' : ''}`, 'expected').test(answer) };
      case 'numeric-tolerance': {
        const got = lastNumber(answer);
        if (got === undefined) return { pass: false, detail: 'no number in the answer' };
        const want = Number(item.expected);
        const tol = Math.max(item.tolerance ?? (item.rel_tolerance === undefined ? 1e-6 : 0), (item.rel_tolerance ?? 0) * Math.abs(want));
        return Math.abs(got - want) <= tol ? { pass: true } : { pass: false, detail: `got ${got}, want ${want} ± ${tol}` };
      }
      case 'json-schema': {
        let value: unknown;
        try {
          value = extractJson(answer);
        } catch (e) {
          return { pass: false, detail: (e as Error).message };
        }
        const validate = this.validator(item.expected as object | boolean);
        return validate(value) ? { pass: true } : { pass: false, detail: this.ajv.errorsText(validate.errors) };
      }
    }
  }

  /** Throws when an item cannot be scored (an invalid JSON Schema); call before running it. */
  check(item: EvalItem): void {
    if (item.scorer === 'json-schema') this.validator(item.expected as object | boolean);
  }

  private validator(schema: object | boolean): ValidateFunction {
    if (typeof schema === 'boolean') return this.ajv.compile(schema);
    let v = this.compiled.get(schema);
    if (!v) this.compiled.set(schema, (v = this.ajv.compile(schema)));
    return v;
  }
}
