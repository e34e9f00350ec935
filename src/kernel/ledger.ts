import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EndOfTurnWriter } from '../core/end-of-turn.js';
import type { Logger } from '../core/log.js';
import type { SpendLedger } from '../core/ledger.js';
import type { OwnerPolicy } from '../core/policy.js';
import type { PolicyStore } from '../core/policy.js';

export interface Spend {
  tokens: number;
  cost_usd: number;
}
/** A budget limit; an absent field is unlimited, an absent period inherits the policy's (else lifetime). */
export interface LedgerBudget {
  tokens?: number;
  cost_usd?: number;
  period?: 'lifetime' | 'daily' | 'monthly';
}
/** What an account has spent in one period and what calls in flight hold. */
export interface LedgerState {
  spent: Spend;
  reserved: Spend;
}

const ZERO: Spend = { tokens: 0, cost_usd: 0 };
/** Sums below 1e-12 are float dust from settling; they are zero. */
const clean = (x: number) => (Math.abs(x) < 1e-12 ? 0 : x);

/** This process on this host: holds it leaves when it dies are released by the next instance to open the ledger. */
const INSTANCE = `${hostname()}:${process.pid}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The default spend ledger (see SpendLedger in core), with budgets and
 * run-time policy, in SQLite (WAL) under the data dir:
 * durable across restarts and shared by every instance on the data dir.
 * A reservation ("hold") is checked and written in one IMMEDIATE transaction,
 * which takes the database's write lock first, so instances racing for the
 * same budget are serialized and cannot both pass its limit.
 */
export class SqliteLedger implements SpendLedger, PolicyStore {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly txs: ReturnType<SqliteLedger['compileTransactions']>;
  /** Charges not yet written, by account and period (see charge()). */
  private readonly unwritten = new Map<string, { account: string; period: string } & Spend>();
  private readonly charges: EndOfTurnWriter;
  /** version() as read in this event-loop turn; forgotten at the turn's end and by this instance's own changes. */
  private versionThisTurn?: number;

  /** `log`: where a failed write of batched charges is reported. */
  constructor(dataDir: string, file = 'ledger.sqlite', log?: Logger) {
    this.charges = new EndOfTurnWriter({ what: 'the spend ledger', write: () => this.writeCharges(), pending: () => this.unwritten.size > 0, log });
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, file));
    this.db.pragma('journal_mode = WAL');
    // NORMAL, like the journal: a commit survives a crash of the server (kill -9) without an
    // fsync per transaction. FULL (SQLite's default) fsynced twice per model call, ~10 ms each.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS spend (account TEXT NOT NULL, period TEXT NOT NULL, tokens REAL NOT NULL, cost_usd REAL NOT NULL, PRIMARY KEY (account, period));
      CREATE TABLE IF NOT EXISTS holds (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, period TEXT NOT NULL, tokens REAL NOT NULL, cost_usd REAL NOT NULL, instance TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS holds_account ON holds (account, period);
      CREATE TABLE IF NOT EXISTS budgets (account TEXT PRIMARY KEY, budget TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS policy (pattern TEXT PRIMARY KEY, policy TEXT);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    this.stmts = {
      spent: this.db.prepare<[string, string], Spend>('SELECT tokens, cost_usd FROM spend WHERE account = ? AND period = ?'),
      held: this.db.prepare<[string, string], { tokens: number | null; cost_usd: number | null }>('SELECT SUM(tokens) AS tokens, SUM(cost_usd) AS cost_usd FROM holds WHERE account = ? AND period = ?'),
      hold: this.db.prepare<[string, string, number, number, string]>('INSERT INTO holds (account, period, tokens, cost_usd, instance) VALUES (?, ?, ?, ?, ?)'),
      holdRow: this.db.prepare<[number], { account: string; period: string }>('SELECT account, period FROM holds WHERE id = ?'),
      unhold: this.db.prepare<[number]>('DELETE FROM holds WHERE id = ?'),
      charge: this.db.prepare<[string, string, number, number]>(
        'INSERT INTO spend (account, period, tokens, cost_usd) VALUES (?, ?, ?, ?) ON CONFLICT (account, period) DO UPDATE SET tokens = spend.tokens + excluded.tokens, cost_usd = spend.cost_usd + excluded.cost_usd',
      ),
      budget: this.db.prepare<[string], { budget: string }>('SELECT budget FROM budgets WHERE account = ?'),
      setBudget: this.db.prepare<[string, string]>('INSERT INTO budgets (account, budget) VALUES (?, ?) ON CONFLICT (account) DO UPDATE SET budget = excluded.budget'),
      policies: this.db.prepare<[], { pattern: string; policy: string | null }>('SELECT pattern, policy FROM policy'),
      setPolicy: this.db.prepare<[string, string | null]>('INSERT INTO policy (pattern, policy) VALUES (?, ?) ON CONFLICT (pattern) DO UPDATE SET policy = excluded.policy'),
      policyVersion: this.db.prepare<[], { value: number }>("SELECT value FROM meta WHERE key = 'policy_version'"),
      bumpVersion: this.db.prepare("INSERT INTO meta (key, value) VALUES ('policy_version', 1) ON CONFLICT (key) DO UPDATE SET value = meta.value + 1"),
    };
    this.txs = this.compileTransactions();
    this.releaseDeadHolds();
  }

  /** The ledger's transactions, compiled once (better-sqlite3 builds a wrapper per transaction() call). */
  private compileTransactions() {
    return {
      /** Spent + held + worst within the limit: the hold's id, else the state that refused it (IMMEDIATE: the write lock first). */
      reserve: this.db.transaction((account: string, period: string, limit: LedgerBudget, worst: Spend): { id: number } | { refused: LedgerState } => {
        const s = this.state(account, period);
        const over = (k: keyof Spend) => limit[k] !== undefined && s.spent[k] + s.reserved[k] + worst[k] > limit[k]!;
        if (over('tokens') || over('cost_usd')) return { refused: s };
        return { id: Number(this.stmts.hold.run(account, period, worst.tokens, worst.cost_usd, INSTANCE).lastInsertRowid) };
      }),
      charges: this.db.transaction((charges: Iterable<{ account: string; period: string } & Spend>) => {
        for (const c of charges) this.stmts.charge.run(c.account, c.period, c.tokens, c.cost_usd);
      }),
      settle: this.db.transaction((id: number, actual: Spend) => {
        const h = this.stmts.holdRow.get(id);
        if (!h) return;
        this.stmts.unhold.run(id);
        this.stmts.charge.run(h.account, h.period, actual.tokens, actual.cost_usd);
      }),
      setBudget: this.db.transaction((account: string, b: LedgerBudget) => {
        this.stmts.setBudget.run(account, JSON.stringify(b));
        this.stmts.bumpVersion.run();
      }),
      savePolicy: this.db.transaction((pattern: string, policy: OwnerPolicy | null) => {
        this.stmts.setPolicy.run(pattern, policy === null ? null : JSON.stringify(policy));
        this.stmts.bumpVersion.run();
      }),
    };
  }

  /** Holds of instances on this host that are no longer running: their calls will never settle. */
  private releaseDeadHolds(): void {
    const host = `${hostname()}:`;
    const rows = this.db.prepare<[], { instance: string }>('SELECT DISTINCT instance FROM holds').all();
    for (const { instance } of rows)
      if (instance.startsWith(host) && !alive(Number(instance.slice(host.length)))) this.db.prepare('DELETE FROM holds WHERE instance = ?').run(instance);
  }

  state(account: string, period: string): LedgerState {
    this.charges.flush(); // spend read here includes every charge made so far
    const held = this.stmts.held.get(account, period);
    return {
      spent: { ...(this.stmts.spent.get(account, period) ?? ZERO) },
      reserved: { tokens: clean(held?.tokens ?? 0), cost_usd: clean(held?.cost_usd ?? 0) },
    };
  }

  /**
   * Holds `worst` against the account's spend in `period` if spent + held +
   * worst stays within `limit`, atomically across instances. Returns the
   * hold's id, or the state that refused it.
   */
  reserve(account: string, period: string, limit: LedgerBudget, worst: Spend): { id: number } | { refused: LedgerState } {
    return this.txs.reserve.immediate(account, period, limit, worst);
  }

  /**
   * Charges spend that no hold covered (an account without a limit: nothing
   * to refuse, so nothing is held). Charges are summed per account and period
   * and written at the end of the turn in one transaction (see durable());
   * every read of spend writes them first.
   */
  charge(account: string, period: string, actual: Spend): void {
    if (!this.db.open) return; // closed at shutdown
    const key = `${account}\u0000${period}`;
    const c = this.unwritten.get(key);
    if (c) (c.tokens += actual.tokens), (c.cost_usd += actual.cost_usd);
    else this.unwritten.set(key, { account, period, tokens: actual.tokens, cost_usd: actual.cost_usd });
    this.charges.schedule();
  }

  /** Resolves once every charge made so far is written (see SpendLedger.durable); undefined when none waits. */
  durable(): Promise<void> | undefined {
    return this.charges.durable();
  }

  /** Writes the summed charges in one transaction (one statement is its own); on failure they stay to be written later. */
  private writeCharges(): void {
    if (!this.db.open) return this.unwritten.clear();
    if (this.unwritten.size === 1) {
      const [c] = this.unwritten.values();
      this.stmts.charge.run(c.account, c.period, c.tokens, c.cost_usd);
    } else this.txs.charges(this.unwritten.values());
    this.unwritten.clear();
  }

  /** Ends a hold and charges what the call actually spent to the hold's period. */
  settle(id: number, actual: Spend): void {
    if (!this.db.open) return; // closed at shutdown: the hold is released by the next instance
    this.txs.settle(id, actual);
  }

  budget(account: string): LedgerBudget | undefined {
    const row = this.stmts.budget.get(account);
    return row && (JSON.parse(row.budget) as LedgerBudget);
  }

  setBudget(account: string, b: LedgerBudget): void {
    this.txs.setBudget(account, b);
    this.versionThisTurn = undefined;
  }

  loadPolicy(): Record<string, OwnerPolicy | null> {
    return Object.fromEntries(this.stmts.policies.all().map((r) => [r.pattern, r.policy === null ? null : (JSON.parse(r.policy) as OwnerPolicy)]));
  }

  savePolicy(pattern: string, policy: OwnerPolicy | null): void {
    this.txs.savePolicy(pattern, policy);
    this.versionThisTurn = undefined;
  }

  /**
   * Raised by every policy or budget change, by any instance: what a reader's
   * cache of either is keyed on. Read from the database once per event-loop
   * turn (a call asks 8–10 times on its way through the kernel): another
   * instance's change is seen from the next turn, this instance's at once.
   */
  version(): number {
    if (this.versionThisTurn === undefined) {
      this.versionThisTurn = this.stmts.policyVersion.get()?.value ?? 0;
      setImmediate(() => (this.versionThisTurn = undefined));
    }
    return this.versionThisTurn;
  }

  close(): void {
    if (this.db.open) this.charges.flush();
    if (this.db.open) this.db.close();
  }
}
