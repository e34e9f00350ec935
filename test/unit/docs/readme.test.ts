import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import { toolTable, withToolTable } from '../../../src/cli/docs.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import { quietLogger, tempDir } from '../../helpers/kernel.js';

describe('README', () => {
  it("has the tool table generated from the default config's syscall table (run `npm run docs` when this fails)", async () => {
    const { kernel, stop } = await boot({ config: join(packageRoot, 'llmos.plugins.json'), start: false, dataDir: tempDir(), logger: quietLogger() });
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const table = toolTable(kernel);
    await stop();
    expect(withToolTable(readme, table)).toBe(readme);
    for (const s of kernel.syscalls.list()) expect(readme).toContain(`\`${s.name}\``);
  });

  it('names the two set-up commands, and .ci/run calls the test one', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readFileSync(join(packageRoot, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('states the supported Node.js versions as package.json engines does', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const engines = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).engines.node;
    expect(readme).toContain(`\`${engines}\``);
  });
});
