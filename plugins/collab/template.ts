import { LlmosError } from '../../src/plugin-api/index.js';

/**
 * Step templates: {{name}} placeholders, filled from a fixed set of
 * variables. An unknown placeholder is an input error (caught before any
 * process is spawned), never silently left in a prompt.
 */
export const STEP_VARS = ['input', 'prev'] as const;
export const LOOP_VARS = ['input', 'prev', 'draft', 'critique', 'round'] as const;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** Names used by a template, in order of first use. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Throws LLMOS_EINVAL when `template` uses a name outside `allowed`. */
export function checkTemplate(template: string, allowed: readonly string[], where: string): void {
  const bad = placeholders(template).filter((p) => !allowed.includes(p));
  if (bad.length)
    throw new LlmosError('LLMOS_EINVAL', `${where} uses unknown placeholder(s) ${bad.map((b) => `{{${b}}}`).join(', ')}; use only ${allowed.map((a) => `{{${a}}}`).join(', ')}.`);
}

/** Fills every placeholder; values are inserted verbatim (no re-expansion). */
export function render(template: string, vars: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => vars[name] ?? '');
}
