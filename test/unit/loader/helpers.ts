import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { definePlugin, type PluginDefinition } from '../../../src/plugin-api/index.js';
import { tempDir } from '../../helpers/kernel.js';

/** A plugin that contributes nothing, with `extra` overriding any field. */
export const plugin = (name: string, extra: Partial<PluginDefinition> = {}) =>
  definePlugin({ name, version: '1.0.0', provides: [], register() {}, ...extra } as PluginDefinition);

/** A config file with only top-level fields (plugins come inline). */
export function configFile(top: Record<string, unknown>): string {
  const f = join(tempDir(), 'llmos.plugins.json');
  writeFileSync(f, JSON.stringify({ plugins: [], ...top }));
  return f;
}

/** A logger at warn level whose records land in `records`. */
export function capturingLogger() {
  const records: Array<{ level: number; msg: string; plugin?: string } & Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { logger, records, warnings: () => records.filter((r) => r.level === 40) };
}
