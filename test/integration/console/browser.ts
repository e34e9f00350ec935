import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../../setup/components.js';

/** Where browser tests save their screenshots (git-ignored). */
export const ARTIFACTS = join(ROOT, 'test/artifacts/console');

/** Debian's chromium (test/setup/install.sh, step "chromium"), headless; fails naming that step when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.LLMOS_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: run \`bash test/setup/install.sh\` (step "chromium" installs Debian's chromium package), or set LLMOS_CHROMIUM to a Chromium binary.`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
