// Write-behind persistence of the pool and pick-up of other instances' changes. Changes are
// batched (one upsert every flush interval); a failed flush keeps its backlog and is retried, so
// nothing is lost while the store is down; the gateway keeps serving from memory meanwhile.
import type { Logger } from 'pino';
import type { AccountRecord, Store } from '../store/index.js';
import type { AccountPool } from './account-pool.js';

export interface PersistenceOptions {
  flushMs: number;
  pollMs: number;
  logger: Logger;
}

export class PoolPersistence {
  private readonly dirty = new Set<string>();
  private readonly deleted = new Set<string>();
  private cursor = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failing = false;
  private lastProblem: string | undefined;
  /** Flushes that failed since start (each is retried): the store-error count /metrics reports. */
  failedFlushes = 0;

  constructor(
    private readonly pool: AccountPool,
    private readonly store: Store,
    private readonly opts: PersistenceOptions,
  ) {}

  async load(): Promise<number> {
    // changesSince(0) is every record plus the store's change clock, so polling resumes exactly
    // there (a write-behind record can carry an older updatedAt than the clock: never skipped).
    const all = await this.store.accounts.changesSince(0);
    for (const rec of all.records) this.pool.upsertRecord(rec);
    this.cursor = all.cursor;
    return all.records.length;
  }

  start(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.opts.flushMs);
    this.flushTimer.unref();
    // A single instance (file store) has nobody else's changes to pick up.
    if (this.store.mode !== 'file') {
      this.pollTimer = setInterval(() => void this.poll(), this.opts.pollMs);
      this.pollTimer.unref();
    }
  }

  markDirty(id: string): void {
    this.deleted.delete(id);
    this.dirty.add(id);
  }

  markDeleted(id: string): void {
    this.dirty.delete(id);
    this.deleted.add(id);
  }

  backlog(): number {
    return this.dirty.size + this.deleted.size;
  }

  /** A reason for /ready while the store cannot be written. */
  problem(): string | undefined {
    return this.failing ? `storage (${this.store.mode}) unreachable: ${this.lastProblem ?? 'unknown error'}; ${this.backlog()} account change(s) waiting` : undefined;
  }

  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (this.dirty.size === 0 && this.deleted.size === 0) return;
    const ids = [...this.dirty];
    const gone = [...this.deleted];
    this.dirty.clear();
    this.deleted.clear();
    const records: AccountRecord[] = [];
    for (const id of ids) {
      const acc = this.pool.get(id);
      if (acc) records.push({ ...acc.rec, quotas: structuredClone(acc.rec.quotas), tags: [...acc.rec.tags] });
    }
    try {
      if (records.length) await this.store.accounts.upsertMany(records);
      if (gone.length) await this.store.accounts.deleteMany(gone);
      if (this.failing) this.opts.logger.info({ written: records.length + gone.length }, 'storage is back: account backlog written');
      this.failing = false;
    } catch (err) {
      // Keep the backlog (unless a newer change already re-queued the id) and try again next tick.
      for (const id of ids) if (!this.deleted.has(id)) this.dirty.add(id);
      for (const id of gone) if (!this.dirty.has(id)) this.deleted.add(id);
      this.lastProblem = err instanceof Error ? err.message : String(err);
      this.failedFlushes++;
      if (!this.failing) this.opts.logger.error({ err: this.lastProblem, backlog: this.backlog() }, 'storage write failed: serving from memory, will retry');
      this.failing = true;
    }
  }

  /**
   * Writes every change made so far and resolves once the store has it (admin writes await this
   * before answering); rejects when the store refuses it (the change stays queued and is retried).
   */
  async flushNow(): Promise<void> {
    // A flush already running took its snapshot before the caller's change: let it end first.
    if (this.flushing) await this.flushing;
    if (this.backlog() === 0) return;
    await this.flush();
    if (this.failing) throw new Error(this.lastProblem ?? 'storage write failed');
  }

  async poll(): Promise<void> {
    try {
      const changes = await this.store.accounts.changesSince(this.cursor);
      for (const rec of changes.records) {
        const local = this.pool.get(rec.id);
        if (local && (local.rec.updatedAt >= rec.updatedAt || this.dirty.has(rec.id))) continue;
        this.pool.upsertRecord(rec);
      }
      for (const id of changes.deleted) {
        if (!this.dirty.has(id)) this.pool.remove(id);
      }
      this.cursor = Math.max(this.cursor, changes.cursor);
    } catch (err) {
      this.lastProblem = err instanceof Error ? err.message : String(err);
    }
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    // A flush already running holds an older snapshot: flush again until nothing is pending
    // (bounded, in case the store is down: then the backlog is reported, not awaited forever).
    for (let i = 0; i < 5 && (this.flushing || this.backlog() > 0); i++) {
      await this.flush();
      if (this.failing) break;
    }
  }
}
