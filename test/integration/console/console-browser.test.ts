import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serveHttp } from '../../../src/mcp/http.js';
import { ARTIFACTS, launchChromium } from './browser.js';
import { bootConsoleKernel, mcpAs } from './server.js';

const USERS = { root: 'root-token-123', alice: 'alice-token-123', bob: 'bob-token-1234' };
const LONG = 'Write a very long story about a dragon and a knight, with many chapters.';

async function spawn(client: Client, prompt: string, maxTokens: number): Promise<number> {
  const r = await client.callTool({ name: 'proc_spawn', arguments: { prompt, max_tokens: maxTokens, temperature: 0 } });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return (r.structuredContent as { pid: number }).pid;
}

async function logIn(browser: Browser, url: string, token: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await page.goto(`${url}/ui`);
  await page.getByTestId('token').fill(token);
  await page.getByTestId('login-button').click();
  await page.getByTestId('live').filter({ hasText: 'live' }).waitFor();
  return page;
}

const row = (page: Page, pid: number) => page.locator(`#procs tr[data-pid="${pid}"]`);

describe('the web console in real headless Chromium, over the real llama.cpp server', () => {
  let booted: Awaited<ReturnType<typeof bootConsoleKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let browser: Browser;
  let alice: Client;
  let blocker: number;
  let streamed: number;

  beforeAll(async () => {
    booted = await bootConsoleKernel(inject('llamaBaseURL'));
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, users: USERS });
    browser = await launchChromium();
    alice = await mcpAs(http.url, USERS.alice);
  }, 120_000);
  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    await http?.close();
    await booted?.stop();
  });

  it('serves the page shell without a token but no data without one', async () => {
    expect((await fetch(`${http.url}/ui`)).status).toBe(200);
    const data = await fetch(`${http.url}/ui/api/snapshot`);
    expect(data.status).toBe(401);
    expect((await fetch(`${http.url}/ui`, { headers: { authorization: 'Bearer wrong-token-1' } })).status).toBe(401);
  });

  it('shows a process spawned over MCP appear, stream its tokens and finish; kills another from the console', async () => {
    const page = await logIn(browser, http.url, USERS.alice);
    await expect(page.getByTestId('who').textContent()).resolves.toBe('user:alice');
    blocker = await spawn(alice, LONG, 1500); // holds the model's one slot
    await row(page, blocker).filter({ hasText: 'running' }).waitFor({ timeout: 60_000 });
    streamed = await spawn(alice, 'Count from one to ten in words.', 32); // queued behind it
    await row(page, streamed).waitFor();
    await row(page, streamed).click(); // watching it before it runs, so its call streams
    await page.getByTestId('sel-pid').filter({ hasText: String(streamed) }).waitFor();
    await page.getByTestId(`kill-${blocker}`).click();
    await row(page, blocker).filter({ hasText: 'killed' }).waitFor({ timeout: 15_000 });
    await expect.poll(async () => ((await page.getByTestId('stream').textContent()) ?? '').length, { timeout: 60_000, interval: 200 }).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, 'streaming.png') });
    const done = await booted.kernel.procs.wait(streamed, 300_000); // SmolLM2 on a shared 2-core machine
    expect(done.exit, JSON.stringify(done.error)).toBe('ok');
    await page.getByTestId('sel-state').filter({ hasText: 'exited (ok)' }).waitFor({ timeout: 15_000 });
    await row(page, streamed).filter({ hasText: 'exited (ok)' }).waitFor();
    expect((await page.getByTestId('stream').textContent())!.trim()).toBe(done.result!.text.trim());
    expect(booted.kernel.procs.get(blocker)!.exit).toBe('killed');
    await expect(page.getByTestId('explain').textContent()).resolves.toContain('smollm2');
    await expect(page.locator('#models tr[data-model="smollm2"]').textContent()).resolves.toContain('closed');
    await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });
  }, 480_000);

  it('lets another user see none of it and act on none of it; an admin sees it all', async () => {
    const bob = await logIn(browser, http.url, USERS.bob);
    await expect(bob.getByTestId('who').textContent()).resolves.toBe('user:bob');
    await bob.waitForTimeout(500);
    await expect(row(bob, streamed).count()).resolves.toBe(0);
    await expect(bob.locator('#procs tbody tr').count()).resolves.toBe(0);
    const auth = { authorization: `Bearer ${USERS.bob}` };
    const watch = await fetch(`${http.url}/ui/api/stream/${streamed}`, { headers: auth });
    expect(watch.status).toBe(403);
    expect(((await watch.json()) as { error: { code: string } }).error.code).toBe('LLMOS_EPERM');
    const kill = await fetch(`${http.url}/ui/api/kill`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ pid: streamed }) });
    expect(kill.status).toBe(403);
    await bob.screenshot({ path: join(ARTIFACTS, 'other-user.png') });
    const root = await logIn(browser, http.url, USERS.root);
    await row(root, streamed).waitFor();
    await expect(root.getByTestId('who').textContent()).resolves.toBe('user:root (admin)');
  });

  it('browses the knowledge graph: search, then a node\'s neighbourhood drawn', async () => {
    await alice.callTool({ name: 'kg_create_entities', arguments: { entities: [{ name: 'Ada Lovelace', entityType: 'person', observations: ['wrote the first program'] }, { name: 'Analytical Engine', entityType: 'machine', observations: [] }, { name: 'Charles Babbage', entityType: 'person', observations: [] }] } });
    await alice.callTool({ name: 'kg_create_relations', arguments: { relations: [{ from: 'Ada Lovelace', to: 'Analytical Engine', relationType: 'programmed' }, { from: 'Charles Babbage', to: 'Analytical Engine', relationType: 'designed' }] } });
    const page = await logIn(browser, http.url, USERS.alice);
    await page.getByTestId('kg-q').fill('Analytical');
    await page.getByTestId('kg-q').press('Enter');
    await page.getByTestId('kg-results').getByText('Analytical Engine').click();
    const nodes = page.locator('#kg-graph g.node');
    await nodes.nth(2).waitFor();
    await expect(nodes.count()).resolves.toBe(3);
    await expect(page.locator('#kg-graph').textContent()).resolves.toContain('programmed');
    await page.locator('#kg-graph').screenshot({ path: join(ARTIFACTS, 'kg.png') });
  });
});
