import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../loader/resolve.js';
import type { DaemonPaths } from './paths.js';

/**
 * What the data dir's kernel answered to `initialize` and `tools/list`, kept
 * in run/answers.json so the next stdio client can answer both at once while
 * a stopped daemon starts again. The SDK's server answers `initialize` with
 * the requested protocol version when it supports it, else its latest; the
 * rest of the result does not depend on the request.
 */
export interface RecordedAnswers {
  /** answersKey() of the code and config the kernel ran; the answers hold only for the same key. */
  key: string;
  /** The initialize result for `latest`. */
  initialize: { protocolVersion: string } & Record<string, unknown>;
  /** The protocol versions the server accepts as asked. */
  supported: string[];
  tools: { tools: unknown[] };
}

/** The compiled CLI; a rebuild rewrites it, so its mtime stands for "this build". */
const BUILD = fileURLToPath(new URL('../cli.js', import.meta.url));

/**
 * The answers `npm run build` recorded for the package's default config on an
 * empty data dir (dist/src/answers.json), so even the very first start of a
 * data dir answers at once. Written by record-shipped.ts after every build.
 */
export const SHIPPED_ANSWERS = fileURLToPath(new URL('../answers.json', import.meta.url));

/**
 * The environment variables that shape what `initialize` and `tools/list`
 * answer (tool names, which tools a session sees). A variable that does is
 * listed here, so answers recorded under other values are never replayed;
 * the rest (data dir, log level, timeouts, limits) leave the answers alone.
 */
export const ANSWER_ENV: readonly string[] = ['LLMOS_TOOL_PREFIX', 'LLMOS_ADMINS', 'LLMOS_TOOLSETS', 'LLMOS_READ_ONLY', 'LLMOS_MAX_LIVE_TASKS'];

/** Names the code (version, build), config (path, bytes) and ANSWER_ENV a kernel runs with: what its answers depend on. */
export function answersKey(config: string, env: NodeJS.ProcessEnv = process.env): string {
  const h = createHash('sha256').update(`${VERSION}\0${config}\0`);
  for (const name of ANSWER_ENV) h.update(`${name}=${env[name] ?? ''}\0`);
  try {
    h.update(`${statSync(BUILD).mtimeMs}\0`).update(readFileSync(config));
  } catch {
    h.update('unreadable');
  }
  return h.digest('hex');
}

/** Writes the answers to `file` whole or not at all (rename), readable only by the user. */
export function writeAnswers(file: string, answers: RecordedAnswers): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(answers), { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * The answers recorded for `key`: the data dir's own (run/answers.json), else
 * those shipped with the build; undefined when neither was made for this key.
 */
export function readAnswers(p: DaemonPaths, key: string): RecordedAnswers | undefined {
  return readAnswersFile(p.answers, key) ?? readAnswersFile(SHIPPED_ANSWERS, key);
}

/** The answers in `file` when they were made for `key`; undefined when missing, unreadable or for other code, config or env. */
function readAnswersFile(file: string, key: string): RecordedAnswers | undefined {
  try {
    const a = JSON.parse(readFileSync(file, 'utf8')) as RecordedAnswers;
    return a.key === key && Array.isArray(a.tools?.tools) && Array.isArray(a.supported) && typeof a.initialize?.protocolVersion === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}

/** The initialize result the kernel gives a client asking for `requested`. */
export function initializeResult(a: RecordedAnswers, requested: unknown): Record<string, unknown> {
  const protocolVersion = typeof requested === 'string' && a.supported.includes(requested) ? requested : a.initialize.protocolVersion;
  return { ...a.initialize, protocolVersion };
}
