import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import kgEmbedded from '../../../plugins/kg-embedded/index.js';
import kgNeo4j from '../../../plugins/kg-neo4j/index.js';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';

const ctx = () => ({ owner: 'test', signal: new AbortController().signal, progress: () => {} });

describe('kg-core on kg-embedded', () => {
  let dir: string;
  let kernel: Kernel;
  let stop: () => Promise<void>;
  const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, ctx()) as Promise<any>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmos-kgcore-'));
    ({ kernel, stop } = await boot({ inline: [kgCore, kgEmbedded], dataDir: dir, admins: ['*'] })); // kg_import/kg_export are for admins
  });
  afterEach(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers the reference tool set, and no kg_schema/kg_cypher_read on a store without them', () => {
    const names = kernel.syscalls.list().map((s) => s.name).filter((n) => n.startsWith('kg_'));
    expect(names.sort()).toEqual([
      'kg_add_observations', 'kg_create_entities', 'kg_create_relations', 'kg_delete_entities', 'kg_delete_observations',
      'kg_delete_relations', 'kg_export', 'kg_import', 'kg_open_nodes', 'kg_read_graph', 'kg_search', 'kg_stats',
    ]);
  });

  it('creates, searches, opens and deletes in the reference server\'s field names', async () => {
    const created = await call('kg_create_entities', {
      entities: [
        { name: 'Alice', entityType: 'person', observations: ['likes tea'] },
        { name: 'Acme', entityType: 'company' },
      ],
    });
    expect(created.created).toEqual([
      { name: 'Alice', entityType: 'person', observations: ['likes tea'] },
      { name: 'Acme', entityType: 'company', observations: [] },
    ]);
    await call('kg_create_relations', { relations: [{ from: 'Alice', to: 'Acme', relationType: 'works_at' }] });
    expect(await call('kg_add_observations', { observations: [{ entityName: 'Acme', contents: ['makes anvils'] }] })).toEqual({
      added: [{ entityName: 'Acme', addedObservations: ['makes anvils'] }],
    });
    const found = await call('kg_search', { query: 'anvil' });
    expect(found).toMatchObject({ entities: [{ name: 'Acme' }], relations: [], truncated: false });
    const opened = await call('kg_open_nodes', { names: ['Alice'] });
    expect(opened.relations).toEqual([{ from: 'Alice', to: 'Acme', relationType: 'works_at' }]);
    expect(await call('kg_delete_entities', { entityNames: ['Acme'] })).toEqual({ deleted: 1 });
    expect(await call('kg_stats', {})).toMatchObject({ store: 'embedded', entities: 1, relations: 0, observations: 1 });
  });

  it('rejects bad input with LLMOS_EINVAL before touching the store', async () => {
    await expect(call('kg_create_entities', { entities: [{ name: 'X', entityType: 'no spaces please' }] })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    await expect(call('kg_create_relations', { relations: [{ from: 'X', to: 'Y', relationType: 'a-b' }] })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    await expect(call('kg_search', { query: 'x', limit: 1000 })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    expect((await call('kg_stats', {})).entities).toBe(0);
  });

  it('pages through the whole graph exactly once, within the answer size cap', async () => {
    const big = 'x'.repeat(4000);
    const entities = Array.from({ length: 120 }, (_, i) => ({ name: `E${String(i).padStart(3, '0')}`, entityType: 'thing', observations: i % 10 === 0 ? [big, `${big}y`, `${big}z`] : [`n${i}`] }));
    await call('kg_create_entities', { entities });
    await call('kg_create_relations', { relations: entities.slice(1).map((e, i) => ({ from: e.name, to: entities[i].name, relationType: 'follows' })) });
    const seen: string[] = [];
    let relations = 0;
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call('kg_read_graph', { cursor, limit: 50 });
      expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(50 * 1024);
      seen.push(...page.entities.map((e: { name: string }) => e.name));
      relations += page.relations.length;
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toEqual(entities.map((e) => e.name));
    expect(relations).toBe(119);
    expect(pages).toBeGreaterThan(3); // cut by size, not only by limit

    const names = await call('kg_read_graph', { names_only: true, limit: 100 });
    expect(names.names).toHaveLength(100);
    expect(names.entities).toBeUndefined();
    const rest = await call('kg_read_graph', { names_only: true, limit: 100, cursor: names.next_cursor });
    expect(rest).toMatchObject({ names: entities.slice(100).map((e) => e.name), next_cursor: null });
  });

  it('never pages past relations it left out: an entity comes with all its outgoing relations', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `R${String(i).padStart(2, '0')}`);
    // The entities alone (~38 KB) fit one page; with their 800 relations (~40 KB) they do not.
    await call('kg_create_entities', { entities: names.map((name) => ({ name, entityType: 'thing', observations: ['x'.repeat(900)] })) });
    await call('kg_create_relations', { relations: names.flatMap((from) => names.filter((to) => to !== from).slice(0, 20).map((to) => ({ from, to, relationType: 'links_to' }))) });
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call('kg_read_graph', { cursor, limit: 50 });
      for (const r of page.relations) seen.add(`${r.from}>${r.to}`);
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 100);
    expect(seen.size).toBe(800);
    expect(pages).toBeGreaterThan(1);
  });

  it('cuts a single oversized entity and says so', async () => {
    const obs = Array.from({ length: 20 }, (_, i) => `${i}:${'o'.repeat(8000)}`);
    await call('kg_create_entities', { entities: [{ name: 'Huge', entityType: 'thing', observations: obs }] });
    const g = await call('kg_open_nodes', { names: ['Huge'] });
    expect(g.truncated).toBe(true);
    expect(g.note).toMatch(/cut/);
    expect(g.entities[0].observations.length).toBeGreaterThan(0);
    expect(g.entities[0].observations.length).toBeLessThan(20);
  });

  it('notifies llmos://kg and the changed entities\' resources', async () => {
    const uris: string[] = [];
    kernel.on('resource', (u) => uris.push(u));
    await call('kg_create_entities', { entities: [{ name: 'Zoë Ä/b', entityType: 'person' }] });
    expect(uris).toEqual(['llmos://kg', `llmos://kg/entity/${encodeURIComponent('Zoë Ä/b')}`]);
    uris.length = 0;
    await call('kg_search', { query: 'zoë' });
    expect(uris).toEqual([]);
  });

  it('serves llmos://kg and llmos://kg/entity/{name} with name completion', async () => {
    await call('kg_create_entities', { entities: [{ name: 'Alice', entityType: 'person' }, { name: 'Alina', entityType: 'person' }, { name: 'Bob', entityType: 'person' }] });
    const byKey = new Map(kernel.resources.list().map((r) => [r.uri ?? r.template, r]));
    expect(await byKey.get('llmos://kg')!.read('llmos://kg', {}, { owner: 'test' })).toMatchObject({ entities: 3 });
    const entity = byKey.get('llmos://kg/entity/{name}')!;
    expect(await entity.read('llmos://kg/entity/Alice', { name: 'Alice' }, { owner: 'test' })).toMatchObject({ entities: [{ name: 'Alice', entityType: 'person' }] });
    await expect(entity.read('llmos://kg/entity/Nobody', { name: 'Nobody' }, { owner: 'test' })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    expect(await entity.complete!.name('Ali', { owner: 'test' })).toEqual(['Alice', 'Alina']);
  });

  it('imports and exports the reference memory server\'s JSONL', async () => {
    const jsonl = [
      '{"type":"entity","name":"Alice","entityType":"person","observations":["likes tea"]}',
      '{"type":"entity","name":"Acme","entityType":"Big Company","observations":[]}',
      'not json',
      '{"type":"relation","from":"Alice","to":"Acme","relationType":"works at"}',
      '{"type":"relation","from":"Alice","to":"Ghost","relationType":"knows"}',
      '',
    ].join('\n');
    const report = await call('kg_import', { jsonl });
    expect(report).toMatchObject({ entities_created: 2, relations_created: 1, relations_skipped: 1, types_renamed: 2, bad_line_count: 1, bad_lines: [{ line: 3 }] });
    // Importing again adds nothing; new observations on existing entities are merged in.
    const again = await call('kg_import', { jsonl: '{"type":"entity","name":"Alice","entityType":"person","observations":["likes tea","plays go"]}' });
    expect(again).toMatchObject({ entities_created: 0, observations_added: 1 });

    const out = await call('kg_export', { path: 'memory.jsonl' });
    expect(out).toMatchObject({ path: join(dir, 'files', 'memory.jsonl'), entities: 2, relations: 1 });
    const lines = readFileSync(join(dir, 'files', 'memory.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { type: 'entity', name: 'Acme', entityType: 'Big_Company', observations: [] },
      { type: 'entity', name: 'Alice', entityType: 'person', observations: ['likes tea', 'plays go'] },
      { type: 'relation', from: 'Alice', to: 'Acme', relationType: 'works_at' },
    ]);
    // They act on the shared graph (an admin writes it), not the caller's own.
    expect(await call('kg_stats', {})).toMatchObject({ entities: 0 });
    await call('kg_delete_entities', { entityNames: ['Alice', 'Acme'], graph: 'shared' });
    expect(await call('kg_stats', { graph: 'shared' })).toMatchObject({ entities: 0 });
    await call('kg_import', { path: 'memory.jsonl' });
    expect(await call('kg_stats', { graph: 'shared' })).toMatchObject({ entities: 2, relations: 1, observations: 2 });
  });

  it('kg_export onto a directory fails with LLMOS_EPERM and leaves no temporary file', async () => {
    await call('kg_create_entities', { entities: [{ name: 'Alice', entityType: 'person' }] });
    mkdirSync(join(dir, 'files', 'taken'), { recursive: true });
    await expect(call('kg_export', { path: 'taken' })).rejects.toMatchObject({ code: 'LLMOS_EPERM' }); // a directory is not a regular file
    expect(readdirSync(join(dir, 'files')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('kg store selection', () => {
  it('fails the boot when two stores are enabled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmos-kgsel-'));
    try {
      await expect(boot({ inline: [kgCore, kgEmbedded, kgNeo4j], dataDir: dir })).rejects.toMatchObject({ code: 'LLMOS_EPLUGIN', message: expect.stringContaining('enable only one') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the boot, naming the token, when no store is enabled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmos-kgsel-'));
    try {
      await expect(boot({ inline: [kgCore], dataDir: dir })).rejects.toMatchObject({ code: 'LLMOS_EPLUGIN', message: expect.stringContaining('llmos.kg.Store') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
