import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { LlmosError } from '../core/errors.js';

/**
 * One folder under the data dir where client-named files live. Every path a
 * client gives is relative to it; the real path (symlinks resolved) must stay
 * inside it, and only regular files are read or replaced. No error quotes a
 * file's contents: they name the path the client gave and the reason.
 */
export interface ConfinedFolder {
  /** The folder's real path (created on first use). */
  root(): Promise<string>;
  /** A regular file inside the folder to read, as its real path. */
  forRead(path: string): Promise<string>;
  /** Where to write `path` inside the folder (its parent must exist); an existing target must be a regular file. */
  forWrite(path: string): Promise<string>;
  /** The file's text, at most `maxBytes` bytes, read through a bounded stream (LLMOS_ETOOBIG beyond). */
  readText(path: string, maxBytes: number): Promise<string>;
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** `dataDir/folder`, e.g. confinedFolder(scope.dataDir, 'files'). */
export function confinedFolder(dataDir: string, folder: string): ConfinedFolder {
  const dir = resolve(dataDir, folder);
  let real: string | undefined;
  const root = async () => {
    if (real) return real;
    await mkdir(dir, { recursive: true });
    return (real = await realpath(dir));
  };
  const escape = (given: string) =>
    new LlmosError('LLMOS_EPERM', `"${given}" is outside the files folder; files are read and written only inside ${dir}: give a path relative to it, e.g. "graph.jsonl".`, { path: given, folder: dir });
  const refuseKind = (given: string, s: Stats) =>
    new LlmosError('LLMOS_EPERM', `"${given}" is ${s.isDirectory() ? 'a directory' : 'not a regular file'}; only regular files inside ${dir} can be read or replaced.`, { path: given });

  /** The real path `given` names, checked to be inside the folder: the parent's real path, then the target's if it is a symlink. */
  async function locate(given: string): Promise<{ path: string; stats?: Stats }> {
    const r = await root();
    if (isAbsolute(given) || given.includes('\0')) throw escape(given);
    const lexical = resolve(r, given);
    if (!inside(r, lexical) || lexical === r) throw escape(given);
    const parent = await realpath(dirname(lexical)).catch(() => {
      throw new LlmosError('LLMOS_EINVAL', `the folder of "${given}" does not exist inside ${dir}; give a file name directly in it, or a subfolder that exists.`, { path: given });
    });
    if (!inside(r, parent)) throw escape(given);
    const path = join(parent, basename(lexical));
    const link = await lstat(path).catch(() => undefined);
    if (!link?.isSymbolicLink()) return { path, stats: link };
    const target = await realpath(path).catch(() => {
      throw escape(given); // a dangling link: where it points is not ours to create
    });
    if (!inside(r, target)) throw escape(given);
    return { path: target, stats: await stat(target) };
  }

  const forRead = async (given: string) => {
    const { path, stats } = await locate(given);
    if (!stats) throw new LlmosError('LLMOS_EINVAL', `"${given}" does not exist in ${dir}; put the file there first, or give the content inline.`, { path: given });
    if (!stats.isFile()) throw refuseKind(given, stats);
    return path;
  };
  return {
    root,
    forRead,
    async forWrite(given) {
      const { path, stats } = await locate(given);
      if (stats && !stats.isFile()) throw refuseKind(given, stats);
      return path;
    },
    async readText(given, maxBytes) {
      return readBounded(await forRead(given), given, maxBytes, refuseKind);
    },
  };
}

/**
 * Reads at most maxBytes + 1 bytes from a file opened without following a
 * symlink and without blocking on a FIFO, after checking through the open
 * handle that it is still a regular file within the cap (so a swap after
 * forRead, or a file that grows, cannot push more through).
 */
async function readBounded(path: string, given: string, maxBytes: number, refuseKind: (g: string, s: Stats) => LlmosError): Promise<string> {
  const tooBig = () => new LlmosError('LLMOS_ETOOBIG', `"${given}" is over the import limit of ${maxBytes} bytes; split it into smaller files.`, { path: given, max_bytes: maxBytes });
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const s = await fh.stat();
    if (!s.isFile()) throw refuseKind(given, s);
    if (s.size > maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of fh.createReadStream({ highWaterMark: 64 * 1024, end: maxBytes, autoClose: false })) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw tooBig();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await fh.close();
  }
}
