import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import { MAX_IMPORT_BYTES } from '../../../plugins/kg-core/io-syscalls.js';
import kgEmbedded from '../../../plugins/kg-embedded/index.js';
import { call, callError, connect, tempDir, testKernel } from '../../helpers/kernel.js';

/**
 * kg_import / kg_export confine client paths to <dataDir>/files: each attack
 * is made over a real MCP client, then the test checks the coded error, that
 * nothing was written outside the folder, and that no file content leaked.
 */
describe('kg_import / kg_export file confinement', () => {
  let outside: string;
  let b: Awaited<ReturnType<typeof testKernel>>;
  let admin: Awaited<ReturnType<typeof connect>>;
  let files: string;
  const SECRET = 'root-secret-line:x:0:0';

  beforeEach(async () => {
    outside = tempDir('llmos-outside-');
    writeFileSync(join(outside, 'secret.jsonl'), `${SECRET}\n${SECRET}-2\n`);
    b = await testKernel({ admins: ['alice'], inline: [kgEmbedded, kgCore] });
    admin = await connect(b.kernel, 'alice');
    files = join(b.kernel.dataDir, 'files');
    await call(admin.client, 'kg_create_entities', { entities: [{ name: 'Alice', entityType: 'person', observations: ['likes tea'] }] });
  });
  afterEach(async () => {
    await admin.close();
    await b.stop();
    rmSync(outside, { recursive: true, force: true });
    rmSync(b.kernel.dataDir, { recursive: true, force: true });
  });

  const stats = () => call(admin.client, 'kg_stats', {});
  /** Fails the attempt unless it is refused with `code` and its text quotes nothing of the secret file. */
  async function refused(name: string, args: Record<string, unknown>, code = 'LLMOS_EPERM') {
    const before = await stats();
    const e = await callError(admin.client, name, args);
    expect(e.code).toBe(code);
    expect(e.message).not.toContain('root-secret');
    expect(await stats()).toEqual(before);
    return e;
  }

  it('exports into and imports from the files folder, created on demand', async () => {
    const out = await call(admin.client, 'kg_export', { path: 'memory.jsonl', graph: 'own' });
    expect(out).toMatchObject({ entities: 1, relations: 0 });
    expect(readFileSync(join(files, 'memory.jsonl'), 'utf8')).toContain('"name":"Alice"');
    mkdirSync(join(files, 'sub'));
    await call(admin.client, 'kg_export', { path: 'sub/../sub/again.jsonl', graph: 'own' });
    await call(admin.client, 'kg_delete_entities', { entityNames: ['Alice'] });
    await call(admin.client, 'kg_import', { path: 'sub/again.jsonl', graph: 'own' });
    expect(await stats()).toMatchObject({ entities: 1, observations: 1 });
  });

  it('refuses a ../ escape and an absolute path on export, and writes nothing outside', async () => {
    const e = await refused('kg_export', { path: `../../${join('..', outside, 'x.jsonl')}` });
    expect(e.message).toContain(files); // says where files must go
    await refused('kg_export', { path: join(outside, 'x.jsonl') });
    await refused('kg_export', { path: '../x.jsonl' });
    expect(readdirSync(outside)).toEqual(['secret.jsonl']);
    expect(existsSync(join(b.kernel.dataDir, 'x.jsonl'))).toBe(false);
  });

  it('refuses /etc/passwd and any absolute or escaping import without quoting it', async () => {
    await refused('kg_import', { path: '/etc/passwd' });
    await refused('kg_import', { path: join(outside, 'secret.jsonl') });
    await refused('kg_import', { path: '../../../../../../etc/passwd' });
  });

  it('refuses a symlink inside the folder that points outside, for import and export', async () => {
    await call(admin.client, 'kg_export', { path: 'seed.jsonl' }); // creates the folder
    symlinkSync(join(outside, 'secret.jsonl'), join(files, 'link.jsonl'));
    symlinkSync(outside, join(files, 'dir-link'));
    await refused('kg_import', { path: 'link.jsonl' });
    await refused('kg_import', { path: 'dir-link/secret.jsonl' });
    await refused('kg_export', { path: 'link.jsonl' });
    await refused('kg_export', { path: 'dir-link/new.jsonl' });
    // a planted link at the temporary file's name is removed, never followed
    symlinkSync(join(outside, 'planted'), join(files, `out.jsonl.${process.pid}.tmp`));
    await call(admin.client, 'kg_export', { path: 'out.jsonl' });
    expect(readdirSync(outside)).toEqual(['secret.jsonl']);
    expect(readFileSync(join(outside, 'secret.jsonl'), 'utf8')).toBe(`${SECRET}\n${SECRET}-2\n`);
  });

  it('refuses /dev/zero behind a link, a FIFO and a directory: regular files only', async () => {
    await call(admin.client, 'kg_export', { path: 'seed.jsonl' });
    symlinkSync('/dev/zero', join(files, 'zero.jsonl'));
    await refused('kg_import', { path: 'zero.jsonl' });
    await refused('kg_import', { path: '/dev/zero' });
    execFileSync('mkfifo', [join(files, 'pipe.jsonl')]);
    const fifo = await refused('kg_import', { path: 'pipe.jsonl' }); // answers at once: the FIFO is never opened for a blocking read
    expect(fifo.message).toMatch(/not a regular file/);
    await refused('kg_export', { path: 'pipe.jsonl' });
    mkdirSync(join(files, 'adir'));
    await refused('kg_import', { path: 'adir' });
    await refused('kg_export', { path: 'adir' });
  });

  it('refuses a file over the import limit with LLMOS_ETOOBIG before reading it', async () => {
    await call(admin.client, 'kg_export', { path: 'seed.jsonl' });
    const big = join(files, 'big.jsonl');
    writeFileSync(big, '');
    truncateSync(big, MAX_IMPORT_BYTES + 1); // sparse: no disk, no memory
    const e = await refused('kg_import', { path: 'big.jsonl' }, 'LLMOS_ETOOBIG');
    expect(e.message).toContain(String(MAX_IMPORT_BYTES));
  });

  it('reports bad lines by number and reason, never by their text', async () => {
    await call(admin.client, 'kg_export', { path: 'seed.jsonl' });
    writeFileSync(join(files, 'mixed.jsonl'), `${SECRET}\n{"type":"entity","name":"Bob","entityType":"person"}\n{"secret":"${SECRET}"}\n`);
    const r = await call(admin.client, 'kg_import', { path: 'mixed.jsonl' });
    expect(r).toMatchObject({ entities_created: 1, bad_line_count: 2 });
    expect(r.bad_lines.map((l: { line: number }) => l.line)).toEqual([1, 3]);
    expect(JSON.stringify(r)).not.toContain('root-secret');
    const inline = await call(admin.client, 'kg_import', { jsonl: `{"oops": ${SECRET}` });
    expect(JSON.stringify(inline)).not.toContain('root-secret');
  });

  it('refuses both verbs to a non-admin before touching any file', async () => {
    const bob = await connect(b.kernel, 'bob');
    try {
      const before = await stats();
      expect((await callError(bob.client, 'kg_export', { path: '../../etc/x.jsonl' })).code).toBe('LLMOS_EPERM');
      expect((await callError(bob.client, 'kg_import', { path: '/etc/passwd' })).code).toBe('LLMOS_EPERM');
      expect(await stats()).toEqual(before);
      expect(existsSync(files)).toBe(false);
    } finally {
      await bob.close();
    }
  });
});
