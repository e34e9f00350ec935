import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { defineSyscall, LlmosError, z } from '../../src/plugin-api/index.js';
import { exportJsonl, importJsonl } from './jsonl.js';
import type { KgDeps } from './syscalls.js';

/** Paths are absolute, or relative to the data directory. */
const where = (dataDir: string, p: string) => (isAbsolute(p) ? p : resolve(dataDir, p));

/** kg_import and kg_export: JSONL in the reference memory server's format (see jsonl.ts). */
export const ioSyscalls = ({ store, changed }: KgDeps, dataDir: string) => [
  defineSyscall({
    name: 'kg_import',
    title: 'Import JSONL',
    description:
      'Imports a knowledge graph in the reference MCP memory server\'s JSONL format (e.g. its memory.jsonl), given inline as jsonl or as a file path on the server (relative paths are under the data directory). New entities and relations are created, existing entities get the observations added; bad lines are reported, not fatal.',
    input: z
      .object({
        jsonl: z.string().optional().describe('The file content.'),
        path: z.string().min(1).optional().describe('A file on the server.'),
      })
      .refine((a) => (a.jsonl === undefined) !== (a.path === undefined), { message: 'give exactly one of "jsonl" or "path"', path: ['jsonl'] }),
    output: z.object({
      entities_created: z.number().int(),
      observations_added: z.number().int(),
      relations_created: z.number().int(),
      relations_skipped: z.number().int(),
      types_renamed: z.number().int(),
      bad_lines: z.array(z.object({ line: z.number().int(), message: z.string() })),
      bad_line_count: z.number().int(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    admin: true, // reads or writes any path the server can
    async handler({ jsonl, path }) {
      let text = jsonl;
      if (path !== undefined) {
        const file = where(dataDir, path);
        text = await readFile(file, 'utf8').catch((e: Error) => {
          throw new LlmosError('LLMOS_EINVAL', `cannot read ${file}: ${e.message}; give a readable file path, or the content as jsonl.`);
        });
      }
      const report = await importJsonl(store(), text ?? '');
      changed([]);
      return report;
    },
  }),
  defineSyscall({
    name: 'kg_export',
    title: 'Export JSONL',
    description:
      'Writes the whole knowledge graph to a file on the server in the reference MCP memory server\'s JSONL format (relative paths are under the data directory). The file is replaced atomically.',
    input: z.object({ path: z.string().min(1) }),
    output: z.object({ path: z.string(), entities: z.number().int(), relations: z.number().int(), bytes: z.number().int() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    admin: true, // reads or writes any path the server can
    async handler({ path }) {
      const file = where(dataDir, path);
      const counts = await exportJsonl(store(), file).catch((e: unknown) => {
        if (e instanceof LlmosError) throw e;
        throw new LlmosError('LLMOS_EINVAL', `cannot write ${file}: ${(e as Error).message}; give a writable path.`);
      });
      return { path: file, ...counts };
    },
  }),
];
