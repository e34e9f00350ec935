import { join } from 'node:path';
import { build, type Rolldown } from 'vite';
import { ROOT } from '../../setup/components.js';

/** mcp-host.page.js with its dependencies (the MCP SDK client, ext-apps' app-bridge) in one browser bundle, built by the repo's Vite. */
async function hostBundle(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: { write: false, minify: false, lib: { entry: join(ROOT, 'test/integration/console/mcp-host.page.js'), formats: ['es'], fileName: 'mcp-host' } },
  });
  const chunk = (Array.isArray(out) ? out[0] : (out as Rolldown.RolldownOutput)).output[0];
  return chunk.code;
}

/** The host page: a status line and the box the app's iframe goes in; `openApp({token, toolName})` is its entry point. */
export async function hostPageHtml(): Promise<string> {
  const code = (await hostBundle()).replace(/<\/script/gi, '<\\/script');
  return `<!doctype html><html><head><meta charset="utf-8"><title>MCP Apps test host</title>
<style>body{font:13px system-ui,sans-serif;margin:12px}#frame iframe{width:100%;min-height:240px;border:1px solid #bbb;border-radius:6px}</style></head>
<body><h3>MCP Apps test host</h3><div id="status">loading…</div><div id="frame"></div><script type="module">${code}</script></body></html>`;
}
