import { confinedFolder, defineSyscall, LlmosError, z } from '../../src/plugin-api/index.js';
import { GraphArg } from './graph-policy.js';
import { exportJsonl, importJsonl } from './jsonl.js';
import type { KgDeps } from './syscalls.js';

/** The folder under the data dir that kg_import reads from and kg_export writes to. */
export const KG_FILES_FOLDER = 'files';
/** Largest file kg_import reads (inline jsonl is bounded by the syscall input limit). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * kg_import and kg_export: JSONL in the reference memory server's format (see
 * jsonl.ts), with file paths confined to <dataDir>/files (see confinedFolder).
 * Both are admin tools and act on one graph, the shared one unless `graph`
 * names an owner's (what an admin curates for everyone is the default).
 */
export const ioSyscalls = ({ store, graphs, changed }: KgDeps, dataDir: string) => {
  const IoGraph = GraphArg.default('shared').describe('The graph: "shared" (the default), or an owner id such as "user:alice"; "own" is the caller\'s own.');
  const files = confinedFolder(dataDir, KG_FILES_FOLDER);
  return [
    defineSyscall({
      name: 'kg_import',
      toolset: 'kg',
      title: 'Import JSONL',
      description:
        'Import memory-server JSONL, inline or from a file under <data dir>/files, into a graph; bad lines are reported by number.',
      input: z
        .object({
          jsonl: z.string().optional().describe('The file content.'),
          path: z.string().min(1).max(1024).optional().describe('A file in the server\'s files folder, relative to it.'),
          graph: IoGraph,
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
      admin: true, // changes the shared graph, or any owner's
      async handler({ jsonl, path, graph }, ctx) {
        const g = graphs.write(ctx.owner, graph);
        const text = path === undefined ? jsonl : await files.readText(path, MAX_IMPORT_BYTES).catch((e: unknown) => rethrow(e, `cannot read "${path}"`));
        const report = await importJsonl(store(), g, text ?? '');
        changed([]);
        return report;
      },
    }),
    defineSyscall({
      name: 'kg_export',
      toolset: 'kg',
      title: 'Export JSONL',
      description:
        'Write a graph as memory-server JSONL to a file under <data dir>/files.',
      input: z.object({ path: z.string().min(1).max(1024).describe('A file in the server\'s files folder, relative to it.'), graph: IoGraph }),
      output: z.object({ path: z.string(), entities: z.number().int(), relations: z.number().int(), bytes: z.number().int() }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
      admin: true, // reads a whole graph, writes a server file
      async handler({ path, graph }, ctx) {
        const g = graphs.read(ctx.owner, graph);
        const file = await files.forWrite(path);
        const counts = await exportJsonl(store(), g, file).catch((e: unknown) => rethrow(e, `cannot write "${path}"`));
        return { path: file, ...counts };
      },
    }),
  ];
};

/** LlmosErrors pass; a file-system error is reported by its code only (its message could carry a path or text we do not show). */
function rethrow(e: unknown, what: string): never {
  if (e instanceof LlmosError) throw e;
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  throw new LlmosError('LLMOS_EINVAL', `${what} (${code}); give a path to a regular file inside the files folder, or the content inline as jsonl.`, { cause: code });
}
