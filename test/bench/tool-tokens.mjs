// What the tools cost a client conversation, per toolset: o200k_base tokens
// of each tool's {name, description, input_schema} as a host hands them to
// its model (see src/mcp/tool-tokens.ts), for the repo's llmos.plugins.json.
// Usage: npm run bench:tool-tokens [-- --tools] (--tools lists every tool).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../../dist/src/boot.js';
import { DEFAULT_TOOLSETS } from '../../dist/src/mcp/toolsets.js';
import { exposedTokens, toolsetCosts } from '../../dist/src/mcp/tool-tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'llmos-tool-tokens-'));
const { kernel, stop } = await boot({ config: new URL('../../llmos.plugins.json', import.meta.url).pathname, dataDir: dir, start: false });
try {
  const costs = toolsetCosts(kernel).sort((a, b) => a.toolset.localeCompare(b.toolset));
  console.log('toolset  tools  tokens  (o200k_base over name + description + input schema)');
  for (const c of costs) {
    console.log(`${c.toolset.padEnd(8)} ${String(c.tools.length).padStart(5)} ${String(c.tokens).padStart(7)}${DEFAULT_TOOLSETS.includes(c.toolset) ? '  default' : ''}`);
    if (process.argv.includes('--tools')) for (const t of c.tools) console.log(`           ${t.name.padEnd(24)} ${String(t.tokens).padStart(5)}`);
  }
  const all = costs.reduce((n, c) => n + c.tokens, 0);
  const readOnly = exposedTokens(kernel, { toolsets: 'all', readOnly: true });
  console.log(`default (${DEFAULT_TOOLSETS.join(',')}): ${exposedTokens(kernel)} tokens; all ${costs.reduce((n, c) => n + c.tools.length, 0)} tools: ${all}; all read-only: ${readOnly}`);
} finally {
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
