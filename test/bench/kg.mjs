// Knowledge-store benchmark: kg-embedded (SQLite) against kg-neo4j (real Neo4j).
// Creates 10k entities and 20k relations through each store, then times 300
// searches and prints p50/p95. Needs `npm run build` (it imports dist/) and,
// for Neo4j, either NEO4J_URI or the Neo4j that `bash test/setup/install.sh`
// caches (it is started here on a free port and stopped at the end).
//   node test/bench/kg.mjs [--entities 10000] [--relations 20000] [--searches 300]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import neo4j from 'neo4j-driver';
import { arg, fromDist, root } from './dist.mjs';

const { SqliteKnowledgeStore } = await fromDist('plugins/kg-embedded/sqlite-store.js');
const { Neo4jKnowledgeStore } = await fromDist('plugins/kg-neo4j/neo4j-store.js');
const { Rng } = await fromDist('src/plugin-api/rng.js');

const N_ENT = arg('entities', 10_000);
const N_REL = arg('relations', 20_000);
const N_SEARCH = arg('searches', 300);
const BATCH = 1000;
/** Every entity goes into one owner's graph. */
const GRAPH = 'user:bench';

/** The project's seeded PRNG, so every run builds the same graph and asks the same queries. */
function rng(seed) {
  const r = new Rng(seed);
  return () => r.next();
}
const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basalt cobalt dune ember fjord granite harbor iris jade kelp lagoon meadow nectar onyx prism quartz reef slate tundra umber violet willow'.split(' ');
const TYPES = ['person', 'company', 'project', 'place', 'topic'];
const RELS = ['knows', 'works_at', 'located_in', 'depends_on', 'mentions'];

function makeGraph(seed = 42) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const sentence = () => Array.from({ length: 6 }, () => pick(WORDS)).join(' ');
  const entities = Array.from({ length: N_ENT }, (_, i) => ({ name: `${pick(WORDS)}-${i}`, type: pick(TYPES), observations: [sentence(), sentence()] }));
  const seen = new Set();
  const relations = [];
  while (relations.length < N_REL) {
    const from = entities[Math.floor(r() * N_ENT)].name;
    const to = entities[Math.floor(r() * N_ENT)].name;
    const type = pick(RELS);
    const key = `${from}|${type}|${to}`;
    if (from === to || seen.has(key)) continue;
    seen.add(key);
    relations.push({ from, to, type });
  }
  const queries = Array.from({ length: N_SEARCH }, () => (r() < 0.5 ? pick(WORDS) : `${pick(WORDS)} ${pick(WORDS).slice(0, 3)}`));
  return { entities, relations, queries };
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function bench(label, store, g) {
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < g.entities.length; i += BATCH) await store.createEntities(GRAPH, g.entities.slice(i, i + BATCH));
  const entMs = ms(t0);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < g.relations.length; i += BATCH) await store.createRelations(GRAPH, g.relations.slice(i, i + BATCH));
  const relMs = ms(t0);
  const stats = await store.stats(GRAPH);
  for (const q of g.queries.slice(0, 20)) await store.search(GRAPH, q, 10); // warm-up
  const lat = [];
  let hits = 0;
  for (const q of g.queries) {
    const t = process.hrtime.bigint();
    hits += (await store.search(GRAPH, q, 10)).entities.length;
    lat.push(ms(t));
  }
  const row = {
    store: label,
    entities: stats.entities,
    relations: stats.relations,
    create_entities_ms: Math.round(entMs),
    create_relations_ms: Math.round(relMs),
    search_p50_ms: +pct(lat, 50).toFixed(2),
    search_p95_ms: +pct(lat, 95).toFixed(2),
    avg_hits: +(hits / g.queries.length).toFixed(1),
  };
  console.log(JSON.stringify(row));
  return row;
}

async function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer().once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Starts the cached embedded Neo4j (as test/setup/components.ts does) and resolves once Bolt answers. */
async function startNeo4j() {
  const cache = process.env.LLMOS_CACHE_DIR ?? join(root, '.cache');
  const lib = join(cache, 'neo4j', 'lib');
  if (!existsSync(join(lib, '.complete-5.26.31'))) throw new Error('Neo4j is not cached: run `bash test/setup/install.sh`, or set NEO4J_URI.');
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'llmos-bench-neo4j-'));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const child = spawn(java, ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '--add-opens=java.base/java.nio=ALL-UNNAMED', '--add-opens=java.base/java.io=ALL-UNNAMED', '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED', '-Dio.netty.tryReflectionSetAccessible=true', '-cp', `${join(cache, 'neo4j', 'classes')}${delimiter}${join(lib, '*')}`, 'EmbeddedNeo4j', join(home, 'home'), String(port), '--exit-on-stdin-eof'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const uri = `bolt://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 120_000; ; ) {
    if (child.exitCode !== null) throw new Error(`Neo4j exited early (code ${child.exitCode})`);
    const d = neo4j.driver(uri, undefined, { connectionTimeout: 2000 });
    const up = await d.getServerInfo().then(() => true, () => false);
    await d.close();
    if (up) break;
    if (Date.now() > deadline) throw new Error('Neo4j did not start within 120 s');
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    uri,
    stop: async () => {
      const done = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      child.kill('SIGTERM');
      await done;
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const g = makeGraph();
console.log(`# ${N_ENT} entities, ${N_REL} relations, ${N_SEARCH} searches (limit 10), seed 42, node ${process.version}`);

const dir = mkdtempSync(join(tmpdir(), 'llmos-bench-kg-'));
const emb = new SqliteKnowledgeStore(join(dir, 'kg.sqlite'));
await bench('embedded', emb, g);
await emb.close();
rmSync(dir, { recursive: true, force: true });

const neo = process.env.NEO4J_URI ? { uri: process.env.NEO4J_URI, stop: async () => {} } : await startNeo4j();
try {
  const store = new Neo4jKnowledgeStore({ uri: neo.uri, username: process.env.NEO4J_USERNAME, password: process.env.NEO4J_PASSWORD, database: process.env.NEO4J_DATABASE || undefined, connectTimeoutMs: 10_000 });
  await store.ensureSchema();
  if ((await store.stats(GRAPH)).entities > 0) throw new Error(`the Neo4j at ${neo.uri} is not empty; point NEO4J_URI at an empty database`);
  await bench('neo4j', store, g);
  await store.close();
} finally {
  await neo.stop();
}
