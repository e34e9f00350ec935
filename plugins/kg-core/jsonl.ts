import { open, rename, rm } from 'node:fs/promises';
import { LlmosError, KG_TYPE_PATTERN, type KgEntity, type KgRelation, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { limits } from './schemas.js';

/**
 * JSONL in the reference MCP memory server's file format, one object a line:
 *   {"type":"entity","name":"Alice","entityType":"person","observations":["…"]}
 *   {"type":"relation","from":"Alice","to":"Acme","relationType":"works_at"}
 * so a memory.jsonl can be imported here, and an export read by the reference server.
 */

const BATCH = 500;

export interface ImportReport {
  entities_created: number;
  observations_added: number;
  relations_created: number;
  /** Relations whose endpoint is in neither the file nor the store. */
  relations_skipped: number;
  /** Types that were not identifiers, renamed (e.g. "Project Idea" → "Project_Idea"). */
  types_renamed: number;
  /** Lines that were not valid entity/relation objects: first 20, 1-based, with the reason only (never the line's text). */
  bad_lines: Array<{ line: number; message: string }>;
  bad_line_count: number;
}

/** A type as an identifier: other characters become "_", a leading digit gets "_" before it. */
export function toKgType(t: string): string {
  if (KG_TYPE_PATTERN.test(t)) return t;
  const s = t.trim().replace(/[^A-Za-z0-9_]/g, '_') || 'thing';
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** Names within kg_create_entities' limit, so everything imported can be read back through the tools. */
const isName = (v: unknown): v is string => isStr(v) && v.length <= limits.maxNameChars;

/** Parses reference-format JSONL; bad lines are reported, not fatal. */
export function parseJsonl(text: string, report: ImportReport): { entities: KgEntity[]; relations: KgRelation[] } {
  const entities: KgEntity[] = [];
  const relations: KgRelation[] = [];
  const bad = (line: number, message: string) => {
    report.bad_line_count++;
    if (report.bad_lines.length < 20) report.bad_lines.push({ line, message });
  };
  const retype = (t: string) => {
    const k = toKgType(t);
    if (k !== t) report.types_renamed++;
    return k;
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(raw);
    } catch {
      return bad(i + 1, 'not JSON; each line must be one JSON object'); // the parser's message would quote the line
    }
    if (o?.type === 'entity' && isName(o.name) && isStr(o.entityType)) {
      const obs = Array.isArray(o.observations) ? o.observations.filter(isStr) : [];
      entities.push({ name: o.name, type: retype(o.entityType), observations: obs });
    } else if (o?.type === 'relation' && isName(o.from) && isName(o.to) && isStr(o.relationType)) {
      relations.push({ from: o.from, to: o.to, type: retype(o.relationType) });
    } else bad(i + 1, `expected {"type":"entity",name,entityType,observations} or {"type":"relation",from,to,relationType}, names of 1 to ${limits.maxNameChars} characters`);
  });
  return { entities, relations };
}

/** Creates what is new in `graph`; existing entities get the file's observations added (a union, never a replace). */
export async function importJsonl(store: KnowledgeStore, graph: string, text: string): Promise<ImportReport> {
  const report: ImportReport = { entities_created: 0, observations_added: 0, relations_created: 0, relations_skipped: 0, types_renamed: 0, bad_lines: [], bad_line_count: 0 };
  const { entities, relations } = parseJsonl(text, report);
  for (let i = 0; i < entities.length; i += BATCH) {
    const batch = entities.slice(i, i + BATCH);
    const created = new Set((await store.createEntities(graph, batch)).map((e) => e.name));
    report.entities_created += created.size;
    const rest = batch.filter((e) => !created.has(e.name) && e.observations.length).map((e) => ({ name: e.name, observations: e.observations }));
    if (rest.length) report.observations_added += (await store.addObservations(graph, rest)).reduce((n, a) => n + a.observations.length, 0);
  }
  for (let i = 0; i < relations.length; i += BATCH) {
    let batch = relations.slice(i, i + BATCH);
    try {
      report.relations_created += (await store.createRelations(graph, batch)).length;
    } catch (e) {
      if (!(e instanceof LlmosError && e.code === 'LLMOS_EINVAL')) throw e;
      const names = [...new Set(batch.flatMap((r) => [r.from, r.to]))];
      const present = new Set((await store.openNodes(graph, names, Infinity)).entities.map((x) => x.name));
      const ok = batch.filter((r) => present.has(r.from) && present.has(r.to));
      report.relations_skipped += batch.length - ok.length;
      batch = ok;
      if (batch.length) report.relations_created += (await store.createRelations(graph, batch)).length;
    }
  }
  return report;
}

/**
 * Writes the whole of `graph` to `path` (entities first, then relations, in name
 * order), through a temporary file renamed into place, so a reader never sees
 * half a file; on failure the temporary file is removed. Returns the counts.
 */
export async function exportJsonl(store: KnowledgeStore, graph: string, path: string): Promise<{ entities: number; relations: number; bytes: number }> {
  const tmp = `${path}.${process.pid}.tmp`;
  await rm(tmp, { force: true }); // a leftover, or a planted symlink: removed, never followed
  const fh = await open(tmp, 'wx');
  const counts = { entities: 0, relations: 0, bytes: 0 };
  const put = async (o: unknown) => {
    const line = `${JSON.stringify(o)}\n`;
    counts.bytes += Buffer.byteLength(line);
    await fh.write(line);
  };
  try {
    try {
      for (const pass of ['entity', 'relation'] as const) {
        let after: string | undefined;
        for (;;) {
          const page = await store.readPage(graph, { after, limit: BATCH, maxChars: Infinity });
          for (const e of pass === 'entity' ? page.entities : []) {
            await put({ type: 'entity', name: e.name, entityType: e.type, observations: e.observations });
            counts.entities++;
          }
          for (const r of pass === 'relation' ? page.relations : []) {
            await put({ type: 'relation', from: r.from, to: r.to, relationType: r.type });
            counts.relations++;
          }
          if (page.entities.length < BATCH) break;
          after = page.entities.at(-1)!.name;
        }
      }
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return counts;
}
