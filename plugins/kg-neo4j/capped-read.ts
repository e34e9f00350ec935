import type { Session } from 'neo4j-driver';
import type { KgCypherOptions, KgCypherResult } from '../../src/plugin-api/index.js';
import { toPlain } from './to-plain.js';

/**
 * Runs `query` in an explicit transaction of `s` (so the session's access
 * mode and the timeout apply), streaming rows until maxRows or maxBytes of
 * JSON, then rolls back. Cut results carry truncated: true and a note.
 */
export async function readCapped(s: Session, query: string, opts: KgCypherOptions): Promise<KgCypherResult> {
  const tx = await s.beginTransaction({ timeout: opts.timeoutMs });
  try {
    const result = tx.run(query, opts.params ?? {});
    const rows: Array<Record<string, unknown>> = [];
    let bytes = 0;
    let truncated = false;
    let columns: string[] = [];
    for await (const record of result) {
      columns = record.keys as string[];
      const row = toPlain(record.toObject()) as Record<string, unknown>;
      const size = Buffer.byteLength(JSON.stringify(row));
      if (rows.length >= opts.maxRows || bytes + size > opts.maxBytes) {
        truncated = true;
        break;
      }
      rows.push(row);
      bytes += size;
    }
    if (!columns.length) columns = ((await result.keys()) as string[]) ?? [];
    return truncated
      ? { columns, rows, truncated, note: `stopped after ${rows.length} rows (${bytes} bytes; caps ${opts.maxRows} rows, ${opts.maxBytes} bytes). Add LIMIT/SKIP or return fewer properties.` }
      : { columns, rows, truncated };
  } finally {
    await tx.rollback().catch(() => undefined);
  }
}
