// What one model call's ledger writes cost (one reserve + one settle, an account with a limit)
// under SQLite's synchronous=FULL (its default, which the ledger ran with until the request-path
// fix) and NORMAL (what it runs with now, like the journal), alternated in one run:
//
//   npm run build && node test/bench/ledger-sync.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedger } from '../../dist/src/kernel/ledger.js';

for (const sync of ['FULL', 'NORMAL', 'FULL', 'NORMAL']) {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-ledger-sync-'));
  const l = new SqliteLedger(dir);
  l.db.pragma(`synchronous = ${sync}`); // the private handle: a bench may
  const n = 2000;
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) { const r = l.reserve('a', 'lifetime', { tokens: 1e12 }, { tokens: 10, cost_usd: 0 }); l.settle(r.id, { tokens: 5, cost_usd: 0 }); }
  const t = performance.now() - t0; const c = process.cpuUsage(c0);
  console.log(sync, 'wall ms/call', (t / n).toFixed(3), 'cpu ms/call', ((c.user + c.system) / 1000 / n).toFixed(3));
  l.close();
  rmSync(dir, { recursive: true, force: true });
}
