import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { packageRoot } from '../loader/resolve.js';

/** The Node.js versions LLMOS is tested on (CI runs 20, 22 and 24): package.json's engines.node. */
export const SUPPORTED_NODE: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).engines.node;

/**
 * The one stderr line `llmos serve` prints when it runs on a Node.js outside `range`
 * (older, an odd-numbered release, or a major not yet tested); undefined inside it.
 * It warns and does not stop the server: a newer Node usually works.
 */
export function unsupportedNodeLine(version: string = process.versions.node, range: string = SUPPORTED_NODE): string | undefined {
  if (semver.satisfies(version, range)) return undefined;
  return `llmos: Node.js ${version} is not supported (supported: ${range}); install Node.js 24 LTS, 22 or 20 if anything fails.`;
}
