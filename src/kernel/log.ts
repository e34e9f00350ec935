import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { params } from './params.js';

export type Logger = pino.Logger;

/** Warnings and errors of one root logger, re-emitted so the MCP layer can send them as logging notifications. */
export type Warnings = EventEmitter<{ log: [level: 'warning' | 'error', data: Record<string, unknown>] }>;

/** The warnings of each logger createLogger made (one per kernel, never shared between kernels). */
const warningsByLogger = new WeakMap<Logger, Warnings>();

/** The warnings emitter of a logger createLogger made; undefined for a logger made elsewhere (tests). */
export const warningsOf = (log: Logger): Warnings | undefined => warningsByLogger.get(log);

const forwardTo = (warnings: Warnings) =>
  new Writable({
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

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** One JSON log record as a line for people: "12:00:00 INFO  message key=value …". */
export function humanLine(rec: Record<string, unknown>): string {
  const time = new Date(typeof rec.time === 'number' ? rec.time : Date.now()).toTimeString().slice(0, 8);
  const level = (LEVEL_NAMES[rec.level as number] ?? String(rec.level)).padEnd(5);
  const fields = Object.entries(rec).filter(([k]) => !OMIT.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${time} ${level} ${String(rec.msg ?? '')}${fields.length ? `  ${fields.join(' ')}` : ''}\n`;
}

/** stderr as people read it on a terminal (humanLine); JSON lines that fail to parse pass through. */
const humanStderr = (): Writable =>
  new Writable({
    write(chunk, _enc, done) {
      let line: string;
      try {
        line = humanLine(JSON.parse(String(chunk)) as Record<string, unknown>);
      } catch {
        line = String(chunk);
      }
      process.stderr.write(line, () => done());
    },
  });

/**
 * The one root logger. Writes to stderr (fd 2), never stdout: on stdio,
 * stdout is the MCP protocol. JSON lines, or human lines when stderr is a
 * terminal. Level from LLMOS_LOG_LEVEL (default "info").
 */
export function createLogger(level: string = params.logLevel): Logger {
  const stderrLevel = level === 'silent' ? 'fatal' : level;
  // The logger passes warnings through even when stderr wants less, so MCP clients still get them.
  const loggerLevel = pino.levels.values[stderrLevel] <= pino.levels.values.warn ? stderrLevel : 'warn';
  const warnings: Warnings = new EventEmitter();
  warnings.setMaxListeners(0);
  const log = pino(
    { level: loggerLevel, base: { name: 'llmos' } },
    pino.multistream([
      { level: stderrLevel as pino.Level, stream: process.stderr.isTTY ? humanStderr() : pino.destination({ fd: 2, sync: true }) },
      { level: 'warn', stream: forwardTo(warnings) },
    ]),
  );
  warningsByLogger.set(log, warnings);
  return log;
}
