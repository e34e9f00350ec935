// Run after every build (`npm run build`, `npm start`): records what a kernel
// on the package's default config and an empty data dir answers to
// `initialize` and `tools/list` into dist/src/answers.json, so the very first
// `llmos serve` of a data dir answers both at once, as later cold starts do.
// A failure is a warning, never a failed build: that first start then waits
// for its kernel, as it did before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../boot.js';
import { answersKey, SHIPPED_ANSWERS, writeAnswers } from '../daemon/answers.js';
import { createLogger } from '../kernel/log.js';
import { packageRoot } from '../loader/resolve.js';
import { recordAnswers } from '../mcp/record-answers.js';
import { exposeTools, exposureFromEnv } from '../mcp/toolsets.js';

const config = join(packageRoot, 'llmos.plugins.json');
const dir = mkdtempSync(join(tmpdir(), 'llmos-record-'));
try {
  const { kernel, stop } = await boot({ config, dataDir: dir, logger: createLogger('error') });
  try {
    exposeTools(kernel, exposureFromEnv(kernel)); // as serve does: the recording lists the toolsets its key names
    writeAnswers(SHIPPED_ANSWERS, { key: answersKey(config), ...(await recordAnswers(kernel)) });
  } finally {
    await stop();
  }
} catch (e) {
  process.stderr.write(`llmos: could not record the default config's answers for first starts (${e instanceof Error ? e.message : String(e)}); a first start will wait for its kernel\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
