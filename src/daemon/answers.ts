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

/** Names the code (version, build) and config (path, bytes) a kernel runs: what its tool list depends on. */
export function answersKey(config: string): string {
  const h = createHash('sha256').update(`${VERSION}\0${config}\0`);
  try {
    h.update(`${statSync(BUILD).mtimeMs}\0`).update(readFileSync(config));
  } catch {
    h.update('unreadable');
  }
  return h.digest('hex');
}

/** Writes the answers whole or not at all (rename), readable only by the user. */
export function writeAnswers(p: DaemonPaths, answers: RecordedAnswers): void {
  const tmp = `${p.answers}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(answers), { mode: 0o600 });
  renameSync(tmp, p.answers);
}

/** The recorded answers when they were made for `key`; undefined when missing, unreadable or for other code or config. */
export function readAnswers(p: DaemonPaths, key: string): RecordedAnswers | undefined {
  try {
    const a = JSON.parse(readFileSync(p.answers, 'utf8')) as RecordedAnswers;
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
