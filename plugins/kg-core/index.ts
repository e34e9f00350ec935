import { definePlugin, z, KG_STORE_TOKEN, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { adminGraphPolicy, graphAccess } from './graph-policy.js';
import { ioSyscalls } from './io-syscalls.js';
import { nativeSyscalls } from './native-syscalls.js';
import { KG_URI, entityUri, kgResources } from './resources.js';
import { kgSpawnHook } from './spawn-hook.js';
import { kgSyscalls } from './syscalls.js';

/** Change notifications per call are capped; llmos://kg is always notified. */
const MAX_ENTITY_NOTIFICATIONS = 100;

/**
 * The knowledge graph's syscalls and resources, on whichever store plugin
 * (kg-embedded, kg-neo4j) provided KG_STORE_TOKEN. Each owner has a private
 * graph and everyone reads the shared one; graph-policy.ts says who writes what. It needs no dependsOn: the
 * store is resolved in start(), after every plugin registered, and a missing
 * store fails the boot with LLMOS_EPLUGIN naming the token.
 */
export default definePlugin({
  name: 'kg-core',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Knowledge graph tools (kg_*), llmos://kg resources, JSONL import/export and proc_spawn context_from_kg/remember, on the active knowledge store.',
  provides: ['syscall', 'resource'],
  options: z.object({}),
  register(scope) {
    let store: KnowledgeStore | undefined;
    const get = (): KnowledgeStore => (store ??= scope.resolve<KnowledgeStore>(KG_STORE_TOKEN));
    const changed = (names: string[]) => {
      scope.kernel.notify(KG_URI);
      for (const n of [...new Set(names)].slice(0, MAX_ENTITY_NOTIFICATIONS)) scope.kernel.notify(entityUri(n));
    };
    const graphs = graphAccess(adminGraphPolicy((owner) => scope.kernel.isAdmin(owner)));
    const deps = { store: get, graphs, changed };
    for (const s of [...kgSyscalls(deps), ...ioSyscalls(deps, scope.dataDir)]) scope.syscall(s);
    for (const r of kgResources(get)) scope.resource(r);
    scope.spawnHook(kgSpawnHook(get, changed, scope.log));
    const start = () => {
      for (const s of nativeSyscalls(get(), graphs)) scope.syscall(s);
      scope.log.info({ store: get().kind }, 'knowledge graph ready');
    };
    return { start };
  },
});
