import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serveHttp } from '../../../src/mcp/http.js';
import { ARTIFACTS, launchChromium } from './browser.js';
import { hostPageHtml } from './mcp-host.js';
import { bootConsoleKernel, mcpAs } from './server.js';

const USERS = { alice: 'alice-token-123', bob: 'bob-token-1234' };

type TopRow = { pid: number; owner: string; model: string; exit: string | null; prompt: string };

async function spawnAndWait(client: Client, prompt: string): Promise<TopRow> {
  const r = await client.callTool({ name: 'proc_spawn', arguments: { prompt, max_tokens: 8, temperature: 0, wait: true } });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  const pid = (r.structuredContent as { pid: number }).pid;
  const top = await client.callTool({ name: 'proc_top', arguments: {} });
  return (top.structuredContent as { procs: TopRow[] }).procs.find((p) => p.pid === pid)!;
}

/**
 * proc_top's MCP App in a real browser host: a page served at the LLMOS
 * server's origin (so it speaks MCP over Streamable HTTP like a host would)
 * reads ui://llmos/top, renders it in a sandboxed iframe through ext-apps'
 * AppBridge and forwards the app's tool calls. Real Chromium, real server,
 * real llama.cpp model behind it.
 */
describe('proc_top as an MCP App, rendered by a host page in real headless Chromium', () => {
  let booted: Awaited<ReturnType<typeof bootConsoleKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let browser: Browser;
  let alice: Client;
  let hostHtml: string;

  beforeAll(async () => {
    booted = await bootConsoleKernel(inject('llamaBaseURL'));
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, users: USERS });
    [browser, hostHtml, alice] = await Promise.all([launchChromium(), hostPageHtml(), mcpAs(http.url, USERS.alice)]);
  }, 180_000);
  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    await http?.close();
    await booted?.stop();
  });

  /** Opens the host page as `token`'s user; resolves with the page and the text proc_top gave the host. */
  async function openHost(token: string): Promise<{ page: Page; text: string }> {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 520 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route(`${http.url}/test-host`, (route) => route.fulfill({ contentType: 'text/html', body: hostHtml }));
    await page.goto(`${http.url}/test-host`);
    const text = await page.evaluate((a) => (globalThis as unknown as { openApp: (a: object) => Promise<string> }).openApp(a), { token, toolName: 'proc_top' });
    expect(errors).toEqual([]);
    return { page, text };
  }

  it('draws the process table with a process the test spawned, the same rows a plain client gets as text', async () => {
    const first = await spawnAndWait(alice, 'Say hi.');
    expect(first.exit).toBe('ok');
    const { page, text } = await openHost(USERS.alice);
    const app = page.frameLocator('#app');
    const row = app.locator(`tr[data-pid="${first.pid}"]`);
    await row.waitFor({ timeout: 15_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual([String(first.pid), 'exited (ok)', 'user:alice', first.model]);
    expect(cells.at(-1)).toBe(first.prompt);
    await expect(app.locator('#head').textContent()).resolves.toMatch(/^0 running, 0 waiting — user:alice$/);
    const plain = (await alice.callTool({ name: 'proc_top', arguments: {} })).content as Array<{ text: string }>;
    const line = (t: string) => t.split('\n').find((l) => l.startsWith(`${first.pid} `));
    expect(line(plain[0].text)).toBe(line(text)); // a plain client and the host got the same row as text
    expect(line(text)).toMatch(new RegExp(`^${first.pid}\\s+exited/ok\\s+user:alice\\s+${first.model}\\s+.*Say hi\\.$`));

    // The app refreshes through the host (tools/call over the bridge, forwarded to the server): a new process shows up.
    const second = await spawnAndWait(alice, 'Say bye.');
    await app.locator(`tr[data-pid="${second.pid}"]`).filter({ hasText: 'exited (ok)' }).waitFor({ timeout: 15_000 });
    await expect(app.locator('tbody tr').count()).resolves.toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'mcp-app.png') });
  }, 300_000);

  it('shows another user none of those processes', async () => {
    const { page, text } = await openHost(USERS.bob);
    const app = page.frameLocator('#app');
    await app.locator('#head').filter({ hasText: 'user:bob' }).waitFor({ timeout: 15_000 });
    await expect(app.locator('tbody tr').count()).resolves.toBe(0);
    expect(text).not.toContain('user:alice');
  });
});
