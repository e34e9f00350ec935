import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRouter } from '../../src/plugin-api/index.js';

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
/** The console's files, each a plain ES module, page or style sheet: no build step. */
const FILES = ['index.html', 'app.js', 'api.js', 'charts.js', 'graph.js', 'console.css'];

/** public/ beside this module in the source tree, or beside its source when run from dist/. */
function publicDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dirs = [join(here, 'public'), join(here, '../../../plugins/obs-console/public')];
  const found = dirs.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`obs-console: its page is missing; looked in ${dirs.join(', ')}`);
  return found;
}

/** Serves the page shell at /ui and its files under /ui/, without a token: they hold no data (every /ui/api route needs one). */
export function mountStatic(router: HttpRouter): void {
  const dir = publicDir();
  const policy = "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  for (const name of FILES) {
    const body = readFileSync(join(dir, name));
    const type = TYPES[name.split('.').pop()!];
    const serve = (_req: unknown, res: ServerResponse) =>
      void res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'content-security-policy': policy, 'referrer-policy': 'no-referrer' }).end(body);
    router.get(name === 'index.html' ? '/ui' : `/ui/${name}`, serve, { public: true });
    if (name === 'index.html') router.get('/ui/', serve, { public: true });
  }
}
