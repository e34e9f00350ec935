import { definePlugin, PERF_TABLE_TOKEN, z, type PerfTable } from '../../src/plugin-api/index.js';
import { mountApi } from './api-routes.js';
import { ExitHistory } from './history.js';
import { LiveFeed } from './live.js';
import { mountStatic } from './static.js';
import { topResource, topSyscall } from './top-syscall.js';

/**
 * The live web console at /ui on the HTTP transport: a top-like process
 * table, a process's token stream, queues, models, budgets and spend, why a
 * process went to its model, a knowledge-graph browser and charts, updated
 * over Server-Sent Events. The page holds no data; its /ui/api routes need
 * the bearer token, and show a user only their own processes (an admin,
 * everyone's); acting on a process goes through the syscalls' own checks.
 */
export default definePlugin({
  name: 'obs-console',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Live web console at /ui (processes, token streams, queues, models, budgets, alloc_explain, a KG browser and charts, over SSE), and proc_top, the process view as an MCP App.',
  provides: ['transport', 'syscall', 'resource'],
  options: z.object({
    owner: z.string().min(1).default('http:console').describe('Owner a caller with the shared token (no named user) acts as.'),
    history: z.number().int().min(16).max(100_000).default(2000).describe('Exited processes remembered for the charts.'),
    max_rows: z.number().int().min(10).max(5000).default(300).describe('Newest processes sent to a console.'),
    max_streams: z.number().int().min(1).max(1000).default(50).describe('Live console streams open at once.'),
  }),
  register(scope, o) {
    const kernel = scope.kernel;
    const history = new ExitHistory(o.history);
    const feed = new LiveFeed(kernel, 250, 2000);
    const perf = (): PerfTable | undefined => (scope.has(PERF_TABLE_TOKEN) ? scope.resolve<PerfTable>(PERF_TABLE_TOKEN) : undefined);
    scope.syscall(topSyscall(kernel));
    scope.resource(topResource());
    scope.http((router) => {
      mountStatic(router);
      mountApi(router, { kernel, history, feed, perf, sharedOwner: o.owner, maxRows: o.max_rows, maxStreams: o.max_streams });
    });
    let off: (() => void) | undefined;
    return {
      start() {
        off = kernel.onProc('exit', (p) => history.add(p));
        feed.start();
      },
      stop() {
        off?.();
        feed.stop();
      },
    };
  },
});
