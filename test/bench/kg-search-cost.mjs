// The cost of a hostile kg_search on the embedded store (issue 13 item 6),
// before and after the search bounds. Builds the same seeded graph twice
// (default 20k entities, 2 observations of 6 words each, as in kg.mjs): once in the schema and with
// the query kg-embedded used before (every word a prefix, up to 16 words,
// every match ranked), once through today's SqliteKnowledgeStore (at most 8
// words, 1-letter words exact, 2-letter prefixes from a prefix index, at most
// 2,000 candidates ranked). Prints the mean cost of each query shape, and
// the wall time of `--burst` such queries (the "1,000 concurrent" case:
// SQLite runs them one after another on the event loop either way).
// Needs `npm run build` (it imports dist/).
//   node test/bench/kg-search-cost.mjs [--entities 20000] [--rounds 20] [--burst 200]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { arg, fromDist, root } from './dist.mjs';

const { SqliteKnowledgeStore } = await fromDist('plugins/kg-embedded/sqlite-store.js');
const { Rng } = await fromDist('src/plugin-api/rng.js');

const N_ENT = arg('entities', 20_000);
const ROUNDS = arg('rounds', 20);
const BURST = arg('burst', 200);
const GRAPH = 'user:bench';

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basalt cobalt dune ember fjord granite harbor iris jade kelp lagoon meadow nectar onyx prism quartz reef slate tundra umber violet willow'.split(' ');
const r = new Rng(42);
const pick = (a) => a[Math.floor(r.next() * a.length)];
const sentence = () => Array.from({ length: 6 }, () => pick(WORDS)).join(' ');
const entities = Array.from({ length: N_ENT }, (_, i) => ({ name: `${pick(WORDS)}-${i}`, type: 'note', observations: [sentence(), sentence()] }));

const LETTERS16 = 'a b c d e f g h i j k l m n o p';
const QUERIES = {
  '16 one-letter words': LETTERS16,
  '8 one-letter words': 'a b c d e f g h',
  '8 two-letter words': 'al br ch de ec fo go ho',
  'one word': 'granite',
};

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
/** Mean ms of `fn` over ROUNDS runs, and ms for BURST runs back to back; a refusal is timed as well. */
async function cost(fn) {
  const once = async () => fn().then((x) => x, (e) => ({ refused: e.code }));
  const first = await once();
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await once();
  const mean = ms(t0) / ROUNDS;
  t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: BURST }, once));
  return { mean_ms: +mean.toFixed(3), [`burst_${BURST}_ms`]: Math.round(ms(t0)), ...(first.refused ? { refused: first.refused } : { hits: first.entities.length }) };
}

/** The store as it was: old tables, every word a prefix (16 at most), all matches ranked, whole entities loaded. */
function oldStore(file) {
  const db = new Database(file);
  db.exec(readFileSync(join(root, 'test/unit/kg/fixtures/kg-old-schema.sql'), 'utf8'));
  const insert = db.prepare('INSERT INTO entities(name, type) VALUES (?, ?)');
  const obs = db.prepare('INSERT INTO observations(entity_id, text) VALUES (?, ?)');
  const fts = db.prepare('INSERT INTO entity_fts(rowid, name, type, observations) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const e of entities) {
      const id = Number(insert.run(e.name, e.type).lastInsertRowid);
      for (const o of e.observations) obs.run(id, o);
      fts.run(id, e.name, e.type, e.observations.join('\n'));
    }
  })();
  const match = db.prepare('SELECT rowid AS id FROM entity_fts WHERE entity_fts MATCH ? ORDER BY rank LIMIT ?').pluck();
  const load = db.prepare('SELECT text FROM observations WHERE entity_id IN (SELECT value FROM json_each(?)) ORDER BY id').pluck();
  return {
    async search(query, limit) {
      const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])].slice(0, 16);
      const ids = match.all(words.map((w) => `"${w}"*`).join(' OR '), limit);
      load.all(JSON.stringify(ids));
      return { entities: ids };
    },
    close: () => db.close(),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'llmos-bench-kgcost-'));
try {
  console.log(`# embedded store, ${N_ENT} entities (2 observations of 6 words each), seed 42, ${ROUNDS} rounds, bursts of ${BURST}, node ${process.version}`);
  const before = oldStore(join(dir, 'old.sqlite'));
  const after = new SqliteKnowledgeStore(join(dir, 'new.sqlite'));
  for (let i = 0; i < entities.length; i += 1000) await after.createEntities(GRAPH, entities.slice(i, i + 1000));
  for (const [label, q] of Object.entries(QUERIES)) {
    console.log(JSON.stringify({ query: label, when: 'before', ...(await cost(() => before.search(q, 10))) }));
    console.log(JSON.stringify({ query: label, when: 'after', ...(await cost(() => after.search(GRAPH, q, 10))) }));
  }
  before.close();
  await after.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
