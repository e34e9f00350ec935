import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import { parseUserTokens } from '../../../src/mcp/http-guard.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import { quietLogger, tempDir } from '../../helpers/kernel.js';

const readme = () => readFileSync(join(packageRoot, 'README.md'), 'utf8');

/** The first ```lang block after `marker` in the README. */
function blockAfter(marker: string, lang: string): string {
  const text = readme();
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no "${marker}" marker`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text.slice(at));
  if (!m) throw new Error(`README.md has no \`\`\`${lang} block after "${marker}"`);
  return m[1];
}

describe('README examples run as written', () => {
  it('the Configuration example boots: its scheduler and allocator are active and it serves a model', async () => {
    const config = JSON.parse(blockAfter('<!-- example:config', 'json'));
    delete config.$schema;
    for (const p of config.plugins) if (!isAbsolute(p.module)) p.module = join(packageRoot, p.module); // it lives in a temp folder
    const dir = tempDir();
    writeFileSync(join(dir, 'llmos.plugins.json'), JSON.stringify(config));
    const { kernel, stop } = await boot({ config: join(dir, 'llmos.plugins.json'), start: false, dataDir: join(dir, 'data'), logger: quietLogger() });
    try {
      expect(kernel.schedulers.activeName()).toBe('fcfs');
      expect(kernel.allocators.activeName()).toBe('bandit');
      expect(kernel.models.all().length).toBeGreaterThan(0);
    } finally {
      await stop();
    }
  });

  it('every LLMOS_AUTH_TOKENS value shown is one the server accepts', () => {
    // Placeholders written with an ellipsis (alice:…) are not values.
    const values = [...readme().matchAll(/LLMOS_AUTH_TOKENS=([^\s`]+)/g)].map((m) => m[1]).filter((v) => v.includes(':') && !v.includes('…'));
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(() => parseUserTokens(v), v).not.toThrow();
  });
});
