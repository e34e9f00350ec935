import { hostname } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { callRecord, connect, tempDir, testKernel } from '../../helpers/kernel.js';
import { Budgets } from '../../../src/kernel/budgets.js';
import { SqliteLedger } from '../../../src/kernel/ledger.js';
import { PolicyTable } from '../../../src/kernel/policy.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
  vi.useRealTimers();
});

const boot = async (dataDir: string, opts: Parameters<typeof testKernel>[0] = {}) => {
  const k = await testKernel({ dataDir, backends: [new EchoBackend('echo', { concurrency: 3 })], ...opts });
  cleanup.push(k.stop);
  return k;
};

/** Spawns n tasks for `owner` and waits for all; returns their records. */
async function run(kernel: Awaited<ReturnType<typeof boot>>['kernel'], owner: string, n: number) {
  const ps = Array.from({ length: n }, (_, i) => kernel.spawn({ prompt: `hello there ${i}`, max_tokens: 10 }, owner));
  return Promise.all(ps.map((p) => kernel.procs.wait(p.pid, 20_000)));
}
const used = (p: { usage: { prompt_tokens: number; completion_tokens: number } }) => p.usage.prompt_tokens + p.usage.completion_tokens;

describe('spend that holds', () => {
  it('never overspends with 3 kernels on one data dir racing a tight budget, nor after a restart', async () => {
    const dir = tempDir();
    const kernels = [await boot(dir), await boot(dir), await boot(dir)].map((b) => b.kernel);
    kernels[0].res.setBudget('user:r', { tokens: 100 });
    const done = (await Promise.all(kernels.map((k) => run(k, 'user:r', 15)))).flat();
    const spent = (await kernels[1].res.budget('user:r')).spent.tokens;
    const ok = done.filter((p) => p.exit === 'ok');
    expect(done.filter((p) => p.error?.code === 'LLMOS_EBUDGET').length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(3); // every kernel got some of the budget
    expect(spent).toBe(ok.reduce((s, p) => s + used(p), 0)); // every charge landed, once
    expect(spent).toBeLessThanOrEqual(100);
    for (const k of kernels) expect(await k.res.budget('user:r')).toMatchObject({ spent: { tokens: spent }, reserved: { tokens: 0 } });
    for (const f of cleanup.splice(0).reverse()) await f();

    const { kernel } = await boot(dir); // a restart: the spend and the limit are still there
    expect(await kernel.res.budget('user:r')).toMatchObject({ limit: { tokens: 100 }, spent: { tokens: spent } });
    const after = await run(kernel, 'user:r', 20);
    expect((await kernel.res.budget('user:r')).spent.tokens).toBeLessThanOrEqual(100);
    expect(after.some((p) => p.error?.code === 'LLMOS_EBUDGET')).toBe(true);
  });

  it('gives anonymous sessions one shared budget: reconnecting buys no fresh one', async () => {
    const { kernel } = await boot(tempDir(), { policy: { anonymous: { budget: { tokens: 60 } } } });
    const first = await connect(kernel, 'http:aaaa1111');
    // Spend the account until admission refuses (each call reserves its prompt estimate plus max_tokens).
    let ok = 0;
    let refused: any;
    for (let i = 0; i < 20 && !refused; i++) {
      const rec = await callRecord(first.client, 'proc_spawn', { prompt: 'hello there', max_tokens: 10, wait: true });
      if (rec.exit === 'ok') ok++;
      else refused = rec;
    }
    expect(ok).toBeGreaterThan(0);
    expect(refused.error.code).toBe('LLMOS_EBUDGET');
    await first.close();
    const spent = (await kernel.res.budget('http:aaaa1111')).spent;
    const again = await connect(kernel, 'http:bbbb2222');
    cleanup.push(again.close);
    const rec = await callRecord(again.client, 'proc_spawn', { prompt: 'hello there', max_tokens: 10, wait: true });
    expect(rec.error).toMatchObject({ code: 'LLMOS_EBUDGET', message: expect.stringMatching(/account "anonymous"/) });
    expect(await kernel.res.budget('sse:cccc3333')).toMatchObject({ account: 'anonymous', spent });
  });

  it('starts a daily budget afresh each UTC day and keeps the old day\'s spend', async () => {
    const dir = tempDir();
    const ledger = new SqliteLedger(dir);
    cleanup.push(() => ledger.close());
    const policy = new PolicyTable(ledger);
    policy.configure({ 'user:*': { budget: { tokens: 10, period: 'daily' } } });
    const budgets = new Budgets(() => ledger, policy);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T23:00:00Z'));
    (await budgets.reserve('user:d', { tokens: 10, cost_usd: 0 }))({ tokens: 10, cost_usd: 0 });
    await expect(budgets.reserve('user:d', { tokens: 1, cost_usd: 0 })).rejects.toThrow(/daily tokens budget of 10/);
    vi.setSystemTime(new Date('2030-01-02T01:00:00Z'));
    expect(await budgets.budget('user:d')).toMatchObject({ period: 'daily', spent: { tokens: 0 } });
    (await budgets.reserve('user:d', { tokens: 4, cost_usd: 0 }))({ tokens: 4, cost_usd: 0 });
    expect(ledger.state('user:d', 'd:2030-01-01').spent.tokens).toBe(10);
  });

  it('releases holds a dead instance left, so a crash does not eat the budget', () => {
    const dir = tempDir();
    const a = new SqliteLedger(dir);
    a.reserve('user:x', 'lifetime', { tokens: 10 }, { tokens: 10, cost_usd: 0 });
    a.close();
    // A hold of a process that no longer runs (pid 2^22 + 1 exceeds Linux's pid_max default).
    const db = new SqliteLedger(dir);
    cleanup.push(() => db.close());
    expect(db.state('user:x', 'lifetime').reserved.tokens).toBe(10); // ours: this process is alive
    (db as unknown as { db: { prepare(s: string): { run(...a: unknown[]): void } } }).db.prepare('UPDATE holds SET instance = ?').run(`${hostname()}:4194305`);
    const fresh = new SqliteLedger(dir);
    cleanup.push(() => fresh.close());
    expect(fresh.state('user:x', 'lifetime').reserved.tokens).toBe(0);
  });

  it('charges an account without a limit once, holding nothing, and sees a limit another instance sets from its next event-loop turn', async () => {
    const dir = tempDir();
    const [a, b] = [new SqliteLedger(dir), new SqliteLedger(dir)];
    cleanup.push(() => a.close(), () => b.close());
    const [onA, onB] = [new Budgets(() => a, new PolicyTable(a)), new Budgets(() => b, new PolicyTable(b))];
    const settle = await onA.reserve('user:u', { tokens: 50, cost_usd: 0 });
    expect(a.state('user:u', 'lifetime').reserved.tokens).toBe(0); // no limit: nothing can be refused, so nothing is held
    settle({ tokens: 7, cost_usd: 0 });
    settle({ tokens: 7, cost_usd: 0 }); // acts once
    await a.durable(); // charges are written at the end of the turn, in one transaction
    expect(b.state('user:u', 'lifetime')).toMatchObject({ spent: { tokens: 7 }, reserved: { tokens: 0 } });
    await onB.setBudget('user:u', { tokens: 10 });
    await new Promise((turn) => setImmediate(turn)); // A reads the shared version once per turn
    await expect(onA.reserve('user:u', { tokens: 5, cost_usd: 0 })).rejects.toThrow(/tokens budget of 10 \(spent 7/); // A's cached limit is dropped
  });
});
