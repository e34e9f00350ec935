/**
 * Two OS processes writing the same kg-embedded file at once lose nothing
 * (the reference memory server rewrites its whole JSONL file and does).
 * The store is compiled on the fly (tsc --noCheck) so the child processes run
 * today's source, not a stale dist/.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteKnowledgeStore } from '../../../plugins/kg-embedded/sqlite-store.js';

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const WRITES = 200;

/** The graph both writers use (kg-writer.mjs writes to the same one). */
const GRAPH = 'user:writer';

describe('kg-embedded shared by two processes', () => {
  let outDir: string;
  let dataDir: string;
  beforeAll(async () => {
    // Under the repo so the compiled files find node_modules (better-sqlite3).
    outDir = mkdtempSync(join(root, 'node_modules', '.cache-kg-mp-'));
    dataDir = mkdtempSync(join(tmpdir(), 'llmos-kg-mp-'));
    await run(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      ...['--noCheck', '--outDir', outDir, '--rootDir', root, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'],
      ...['--experimentalDecorators', '--emitDecoratorMetadata', '--skipLibCheck', '--esModuleInterop', '--types', 'node', '--declaration', 'false'],
      join(root, 'plugins/kg-embedded/sqlite-store.ts'),
    ], { cwd: root });
  }, 120_000);
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every entity, observation and relation both writers made', async () => {
    const file = join(dataDir, 'kg.sqlite');
    const setup = new SqliteKnowledgeStore(file);
    await setup.createEntities(GRAPH, [{ name: 'Hub', type: 'thing', observations: [] }]);
    const storeModule = pathToFileURL(join(outDir, 'plugins/kg-embedded/sqlite-store.js')).href;
    const writer = join(root, 'test/unit/kg/fixtures/kg-writer.mjs');
    const children = ['a', 'b'].map((id) => spawn(process.execPath, [writer, storeModule, file, id, String(WRITES)], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] }));
    const outputs = children.map((c) => {
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      return { text: () => out, exited: once(c, 'exit') };
    });
    // Both opened the file and wait; then both start writing at once.
    await Promise.all(children.map((c) => new Promise<void>((ok) => c.stdout.on('data', () => ok()))));
    for (const c of children) c.stdin.end('go\n');
    const codes = await Promise.all(outputs.map((o) => o.exited));
    expect(codes.map(([code]) => code)).toEqual([0, 0]);
    const spans = outputs.map((o) => JSON.parse(o.text().trim().split('\n').at(-1)!) as { first: number; last: number });
    // The two writers really overlapped in time.
    expect(Math.max(spans[0].first, spans[1].first)).toBeLessThan(Math.min(spans[0].last, spans[1].last));

    const s = await setup.stats(GRAPH);
    expect(s.entities).toBe(1 + 2 * WRITES);
    expect(s.relations).toBe(2 * WRITES);
    const hub = (await setup.openNodes(GRAPH, ['Hub'])).entities[0];
    expect(hub.observations).toHaveLength(2 * WRITES);
    expect(new Set(hub.observations)).toEqual(new Set(['a', 'b'].flatMap((id) => Array.from({ length: WRITES }, (_, i) => `w${id}-${i} was here`))));
    expect((await setup.search(GRAPH, 'written', 5)).entities.length).toBe(5); // the search index saw both writers too
    await setup.close();
  }, 120_000);
});
