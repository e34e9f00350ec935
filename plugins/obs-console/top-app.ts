import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The ext-apps App class as a classic-script global: its self-contained
 * bundle (app-with-deps) with the final `export {…}` turned into
 * `globalThis.McpExtApps = {…}`, so the page needs no network and no build.
 */
function appBundle(): string {
  const require = createRequire(import.meta.url);
  const dir = join(require.resolve('@modelcontextprotocol/ext-apps/server'), '../..');
  const src = readFileSync(join(dir, 'app-with-deps.js'), 'utf8');
  const m = /export\s*\{([^}]*)\};?\s*$/.exec(src);
  if (!m) throw new Error('obs-console: the ext-apps bundle no longer ends in one export list; update top-app.ts for its new shape.');
  const names = m[1].split(',').map((e) => e.trim().split(/\s+as\s+/)).map(([local, name]) => `${name ?? local}:${local}`);
  return `${src.slice(0, m.index)}\nglobalThis.McpExtApps={${names.join(',')}};`;
}

/** The page's own code: render the process rows of each proc_top result, and refresh every 2 s through the host. */
const APP = `
const { App, PostMessageTransport } = globalThis.McpExtApps;
const app = new App({ name: 'llmos-top', version: '1.0.0' }, {});
const body = document.getElementById('rows');
const head = document.getElementById('head');
const td = (t, c) => Object.assign(document.createElement('td'), { textContent: String(t), className: c || '' });
function render(out) {
  if (!out || !out.procs) return;
  head.textContent = out.running + ' running, ' + out.waiting + ' waiting — ' + out.owner + (out.admin ? ' (admin)' : '');
  body.replaceChildren(...out.procs.map((p) => {
    const tr = document.createElement('tr');
    tr.dataset.pid = p.pid;
    tr.append(td(p.pid), td(p.exit ? 'exited (' + p.exit + ')' : p.state, 'state ' + p.state), td(p.owner), td(p.model), td(p.wait_ms + ' ms'), td(p.tokens_in + '/' + p.tokens_out), td(p.cost_usd.toFixed(6)), td(p.prompt, 'prompt'));
    return tr;
  }));
}
app.ontoolresult = (r) => render(r.structuredContent);
await app.connect(new PostMessageTransport(window.parent, window.parent));
setInterval(async () => {
  try { render((await app.callServerTool({ name: 'proc_top', arguments: {} })).structuredContent); } catch {}
}, 2000);
`;

const STYLE = `body{font:12px system-ui,sans-serif;margin:6px;color:#222}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:2px 6px;border-bottom:1px solid #ddd;white-space:nowrap}.prompt{color:#777;max-width:260px;overflow:hidden;text-overflow:ellipsis}.running{color:#0a66c2}.exited{color:#555}@media (prefers-color-scheme:dark){body{color:#ddd}th,td{border-color:#333}}`;

/** The whole MCP App page. */
export function topAppHtml(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>LLMOS processes</title><style>${STYLE}</style></head><body>
<div id="head">connecting…</div>
<table><thead><tr><th>pid</th><th>state</th><th>owner</th><th>model</th><th>wait</th><th>tokens in/out</th><th>cost $</th><th>prompt</th></tr></thead><tbody id="rows"></tbody></table>
<script>${appBundle().replace(/<\/script/gi, '<\\/script')}</script>
<script type="module">${APP}</script>
</body></html>`;
}
