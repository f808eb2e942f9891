// The accounts area's public face: pool + persistence + quota sync, and the operations the
// gateway, start-up seeding and the admin API need (import, export, tags, notes, enable, delete).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type { AccountSummary, AccountTier, LeaseRequest, LeaseResult, AccountSource } from './account-source.js';
import { AccountPool, type PoolSettings } from './account-pool.js';
import { AdmissionQueue, type AdmissionSettings } from './admission-queue.js';
import { accountIdFor } from './account-id.js';
import { defaultQuotas, newAccountRecord, type PoolAccount } from './pool-account.js';
import { PoolPersistence } from './pool-persistence.js';
import { routedQuotaClient, type AccountEgress, type RoutableQuotaClient } from './account-egress.js';
import { QuotaSyncer, type SyncResult } from './quota-sync.js';
import type { TokenEntry } from './token-import.js';

export interface AccountServiceOptions {
  store: Store;
  /** Quota calls; they leave through the account's route once an egress is attached. */
  client: RoutableQuotaClient;
  logger: Logger;
  settings: () => PoolSettings & {
    defaultTier: AccountTier;
    syncOnImport: boolean;
    syncIntervalBasicMs: number;
    syncIntervalSuperMs: number;
    syncConcurrency: number;
    flushMs: number;
    pollMs: number;
  };
  now?: () => number;
  /** Admission control when every account is busy (absent = never wait: answer `busy` at once). */
  admission?: () => AdmissionSettings;
}

export interface ImportResult {
  added: number;
  updated: number;
  ids: string[];
}

export class AccountService implements AccountSource {
  readonly pool: AccountPool;
  readonly persistence: PoolPersistence;
  readonly syncer: QuotaSyncer;
  /** Requests waiting for a free account (accounts.queue_timeout / queue_max). */
  readonly admission: AdmissionQueue;
  readonly instanceId = randomUUID();
  private readonly now: () => number;
  /** The egress layer (attached once by the app root): routes quota syncs, pins `proxyURL@token` imports. */
  private egress: AccountEgress | undefined;

  private constructor(private readonly opts: AccountServiceOptions) {
    this.now = opts.now ?? Date.now;
    const s = opts.settings();
    // The hooks run later (on changes), after persistence and syncer exist.
    this.pool = new AccountPool(
      opts.settings,
      {
        onChange: (acc) => this.persistence.markDirty(acc.rec.id),
        onRateLimited: (acc) => this.syncer.request(acc),
        onRelease: () => this.admission.wake(),
      },
      opts.store.mode === 'file' ? undefined : opts.store.inflight,
      this.now,
    );
    this.admission = new AdmissionQueue((req) => this.pool.lease(req), opts.admission ?? (() => ({ timeoutMs: 0, max: 0 })), this.now);
    this.persistence = new PoolPersistence(this.pool, opts.store, { flushMs: s.flushMs, pollMs: s.pollMs, logger: opts.logger });
    this.syncer = new QuotaSyncer(this.pool, routedQuotaClient(opts.client, () => this.egress), opts.store.locks, {
      concurrency: s.syncConcurrency,
      intervalBasicMs: s.syncIntervalBasicMs,
      intervalSuperMs: s.syncIntervalSuperMs,
      instanceId: this.instanceId,
      logger: opts.logger,
    }, this.now);
  }

  static async create(opts: AccountServiceOptions): Promise<AccountService> {
    const svc = new AccountService(opts);
    const started = Date.now();
    const n = await svc.persistence.load();
    opts.logger.info({ accounts: n, ms: Date.now() - started, store: opts.store.mode }, 'accounts loaded');
    svc.persistence.start();
    svc.syncer.start();
    return svc;
  }

  lease(req: LeaseRequest): Promise<LeaseResult> {
    return this.admission.lease(req);
  }

  summary(): AccountSummary {
    return this.pool.summary();
  }

  servingTiers(): Set<AccountTier> {
    return this.pool.servingTiers();
  }

  /** Adds or updates accounts. Re-importing a token updates it (tier, tags, note), never duplicates. */
  addEntries(entries: TokenEntry[]): ImportResult {
    const s = this.opts.settings();
    const now = this.now();
    const result: ImportResult = { added: 0, updated: 0, ids: [] };
    const fresh: PoolAccount[] = [];
    const pins: Array<[string, string]> = [];
    for (const e of entries) {
      const id = accountIdFor(e.token);
      if (e.proxyUrl) pins.push([id, e.proxyUrl]);
      const existing = this.pool.get(id);
      if (existing) {
        const r = existing.rec;
        if (e.tier && e.tier !== r.tier) {
          r.tier = e.tier;
          r.quotas = { ...defaultQuotas(e.tier, now), ...r.quotas };
        }
        if (e.tier) r.tierPinned = true;
        if (e.tags) r.tags = [...new Set([...r.tags, ...e.tags])];
        if (e.note !== undefined) r.note = e.note;
        this.pool.changed(existing);
        result.updated++;
      } else {
        const rec = newAccountRecord(e.token, e.tier ?? s.defaultTier, now, {
          tierPinned: e.tier !== undefined,
          ...(e.tags ? { tags: e.tags } : {}),
          ...(e.note ? { note: e.note } : {}),
        });
        const acc = this.pool.upsertRecord(rec);
        this.persistence.markDirty(acc.rec.id);
        fresh.push(acc);
        result.added++;
      }
      result.ids.push(id);
    }
    // Pinned before the first sync, so even that call leaves through the account's proxy.
    for (const [id, url] of pins) this.egress?.pinAccount(id, url);
    if (s.syncOnImport) for (const acc of fresh) this.syncer.request(acc);
    return result;
  }

  // ---- egress bindings (AccountRecord.proxyId; the egress service owns the policy) ----------------

  /** Attaches the egress layer, once (the app root does, right after building it on these accounts). */
  attachEgress(egress: AccountEgress): void {
    if (this.egress) throw new Error('an egress is already attached to the account service');
    this.egress = egress;
  }

  hasAccount(id: string): boolean {
    return this.pool.get(id) !== undefined;
  }

  proxyOf(id: string): string | undefined {
    return this.pool.get(id)?.rec.proxyId;
  }

  /** Binds an account to a proxy (undefined unbinds); persisted like every account change. */
  setProxy(id: string, proxyId: string | undefined): boolean {
    const acc = this.pool.get(id);
    if (!acc) return false;
    if (acc.rec.proxyId === proxyId) return true;
    if (proxyId === undefined) delete acc.rec.proxyId;
    else acc.rec.proxyId = proxyId;
    this.pool.changed(acc);
    return true;
  }

  /** The account's cached Grok user id (mgw socket address), if known. */
  userIdOf(id: string): string | undefined {
    return this.pool.get(id)?.rec.userId;
  }

  /** Caches the account's Grok user id (persisted like every account change; a no-op when unchanged). */
  setUserId(id: string, userId: string): void {
    const acc = this.pool.get(id);
    if (!acc || acc.rec.userId === userId) return;
    acc.rec.userId = userId;
    this.pool.changed(acc);
  }

  *proxyBindings(): Generator<readonly [string, string | undefined]> {
    for (const acc of this.pool.all()) yield [acc.rec.id, acc.rec.proxyId];
  }

  remove(ids: string[]): number {
    let n = 0;
    for (const id of ids) {
      if (this.pool.remove(id)) {
        this.persistence.markDeleted(id);
        n++;
      }
    }
    return n;
  }

  private update(ids: string[], fn: (acc: PoolAccount) => void): number {
    let n = 0;
    for (const id of ids) {
      const acc = this.pool.get(id);
      if (!acc) continue;
      fn(acc);
      this.pool.changed(acc);
      n++;
    }
    return n;
  }

  setTags(ids: string[], tags: string[]): number {
    return this.update(ids, (a) => (a.rec.tags = [...new Set(tags)]));
  }

  setNote(ids: string[], note: string): number {
    return this.update(ids, (a) => (a.rec.note = note));
  }

  setTier(ids: string[], tier: AccountTier): number {
    const now = this.now();
    return this.update(ids, (a) => {
      a.rec.tier = tier;
      a.rec.tierPinned = true;
      a.rec.quotas = { ...defaultQuotas(tier, now), ...a.rec.quotas };
    });
  }

  /** Operator enable/disable. Enabling also clears an invalid mark (the operator knows better). */
  setDisabled(ids: string[], disabled: boolean): number {
    return this.update(ids, (a) => {
      a.rec.status = disabled ? 'disabled' : 'active';
      a.rec.coolingUntil = 0;
      a.credentialStrikes = 0;
    });
  }

  sync(id: string): Promise<SyncResult> {
    const acc = this.pool.get(id);
    if (!acc) return Promise.resolve({ ok: false, kind: 'not-found', message: `no account ${id}` });
    return this.syncer.syncAccount(acc);
  }

  /** Whole tokens, one entry per account: only the admin's explicit export uses this. */
  exportEntries(): Array<{ token: string; tier: AccountTier; tags: string[]; note: string; status: string }> {
    return [...this.pool.all()].map((a) => ({ token: a.rec.token, tier: a.rec.tier, tags: a.rec.tags, note: a.rec.note, status: a.rec.status }));
  }

  readinessProblem(): string | undefined {
    return this.persistence.problem();
  }

  async close(): Promise<void> {
    this.admission.close();
    this.syncer.close();
    await this.persistence.close();
  }
}
