import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { params } from './params.js';

export type Logger = pino.Logger;

/** Warnings and errors, re-emitted so the MCP layer can send them as logging notifications. */
export const warnings = new EventEmitter<{ log: [level: 'warning' | 'error', data: Record<string, unknown>] }>();
warnings.setMaxListeners(0);

const forward = new Writable({
  write(chunk, _enc, done) {
    try {
      const rec = JSON.parse(String(chunk)) as Record<string, unknown>;
      warnings.emit('log', (rec.level as number) >= 50 ? 'error' : 'warning', rec);
    } catch {
      /* a log line that is not JSON is not forwarded */
    }
    done();
  },
});

/**
 * The one root logger. Writes JSON to stderr (fd 2), never stdout: on stdio,
 * stdout is the MCP protocol. Level from LLMOS_LOG_LEVEL (default "info").
 */
export function createLogger(level: string = params.logLevel): Logger {
  const stderrLevel = level === 'silent' ? 'fatal' : level;
  // The logger passes warnings through even when stderr wants less, so MCP clients still get them.
  const loggerLevel = pino.levels.values[stderrLevel] <= pino.levels.values.warn ? stderrLevel : 'warn';
  return pino(
    { level: loggerLevel, base: { name: 'llmos' } },
    pino.multistream([
      { level: stderrLevel as pino.Level, stream: pino.destination({ fd: 2, sync: true }) },
      { level: 'warn', stream: forward },
    ]),
  );
}
