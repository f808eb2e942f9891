// The call log: every API call, kept in an in-memory window (newest max_entries) that answers the
// admin console's queries and statistics, and written behind to the store in batches every
// flush_interval. Recording a call only pushes onto two arrays: it never waits for storage. While
// the store is down the backlog waits (bounded by max_entries) and is written when it is back.
// close() writes what is pending. With several instances on one Redis/MySQL, each instance's window
// holds the calls it served plus whatever the store held when it started.
import type { Logger } from 'pino';
import type { CallListener, FinishedCall } from './call-context.js';
import type { CallLogRecord, CallLogStore } from '../store/index.js';
import { queryEntries, type CallLogFilter, type CallLogPage } from './call-log-query.js';
import { computeStats, type BucketSize, type CallLogStats } from './call-log-stats.js';
import { isApiCall, recordFromCall } from './record-from-call.js';
import { RingBuffer } from './ring-buffer.js';

export interface CallLogSettings {
  flushMs: number;
  maxEntries: number;
}

export interface CallLogOptions {
  store: CallLogStore;
  /** Read at every flush, so live settings changes apply. */
  settings: () => CallLogSettings;
  logger: Logger;
  now?: () => number;
}

export interface CallLogStatus {
  /** Entries in the in-memory window. */
  retained: number;
  /** Entries waiting to be written to the store. */
  pending: number;
  /** Entries dropped from the backlog because the store stayed down too long. */
  droppedUnwritten: number;
  lastFlushError: string | undefined;
}

/** Writes per store call at most (a long backlog goes out in several batches). */
const MAX_BATCH = 5000;

export class CallLog {
  private readonly window: RingBuffer<CallLogRecord>;
  private pending: CallLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private droppedUnwritten = 0;
  private lastFlushError: string | undefined;
  private readonly now: () => number;

  /** The callListeners entry: records /v1 calls, ignores everything else. */
  readonly listener: CallListener = (call: FinishedCall) => {
    if (!this.closed && isApiCall(call)) this.record(recordFromCall(call));
  };

  private constructor(private readonly opts: CallLogOptions) {
    this.now = opts.now ?? Date.now;
    this.window = new RingBuffer(Math.max(1, opts.settings().maxEntries));
  }

  /** Loads the newest entries from the store (a store that is down means an empty start) and starts flushing. */
  static async create(opts: CallLogOptions): Promise<CallLog> {
    const log = new CallLog(opts);
    const started = Date.now();
    try {
      const recent = await opts.store.loadRecent(opts.settings().maxEntries);
      for (const r of recent) log.window.push(r);
      opts.logger.info({ entries: recent.length, ms: Date.now() - started }, 'call log loaded');
    } catch (err) {
      opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'call log: could not load earlier entries; starting empty');
    }
    log.schedule();
    return log;
  }

  /** Adds one entry (already masked). O(1); the write happens at the next flush. */
  record(entry: CallLogRecord): void {
    const max = this.opts.settings().maxEntries;
    if (max !== this.window.capacity) this.window.resize(Math.max(1, max));
    this.window.push(entry);
    this.pending.push(entry);
    if (this.pending.length > max + MAX_BATCH) {
      // The store has been down for a long time: keep only what the window keeps.
      const drop = this.pending.length - max;
      this.pending.splice(0, drop);
      this.droppedUnwritten += drop;
    }
  }

  /** Writes the pending entries now (also what the timer and close() do). */
  flush(): Promise<void> {
    this.flushing ??= this.writePending().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, MAX_BATCH);
      try {
        await this.opts.store.append(batch, this.opts.settings().maxEntries);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (this.lastFlushError === undefined) this.opts.logger.warn({ err: message, pending: this.pending.length }, 'call log: write to the store failed; will retry');
        this.lastFlushError = message;
        return;
      }
      // Entries deleted meanwhile (clear) may be gone from `pending` already: drop by identity.
      const written = new Set(batch);
      this.pending = this.pending.filter((e) => !written.has(e));
      if (this.lastFlushError !== undefined) this.opts.logger.info('call log: writing to the store again');
      this.lastFlushError = undefined;
    }
  }

  private schedule(): void {
    if (this.closed) return;
    const ms = Math.max(50, this.opts.settings().flushMs);
    this.timer = setTimeout(() => {
      void this.flush().finally(() => this.schedule());
    }, ms);
    this.timer.unref();
  }

  // ---- reading ---------------------------------------------------------------------------------

  query(filter: CallLogFilter, page: number, pageSize: number): CallLogPage {
    return queryEntries(this.window, filter, page, pageSize);
  }

  stats(filter: CallLogFilter, bucket: BucketSize | 'auto' = 'auto'): CallLogStats {
    return computeStats(this.window, { filter, bucket, now: this.now() });
  }

  /** Distinct values for the console's filter menus, most used first. */
  facets(): { models: Array<{ model: string; count: number }>; accounts: Array<{ account: string; count: number }>; apiKeys: Array<{ apiKey: string; count: number }> } {
    const models = new Map<string, number>();
    const accounts = new Map<string, number>();
    const apiKeys = new Map<string, number>();
    for (let i = 0; i < this.window.size; i++) {
      const r = this.window.at(i) as CallLogRecord;
      if (r.model !== undefined) models.set(r.model, (models.get(r.model) ?? 0) + 1);
      if (r.account !== undefined) accounts.set(r.account, (accounts.get(r.account) ?? 0) + 1);
      if (r.apiKey !== undefined) apiKeys.set(r.apiKey, (apiKeys.get(r.apiKey) ?? 0) + 1);
    }
    const rows = <K extends string>(m: Map<string, number>, k: K): Array<Record<K, string> & { count: number }> =>
      [...m].map(([v, count]) => ({ [k]: v, count }) as Record<K, string> & { count: number }).sort((a, b) => b.count - a.count);
    return { models: rows(models, 'model'), accounts: rows(accounts, 'account'), apiKeys: rows(apiKeys, 'apiKey') };
  }

  /** Calls that started in the last `ms` (newest-first scan that stops early). */
  recent(ms: number): { total: number; success: number } {
    const cutoff = this.now() - ms;
    // Entries are in finish order; a call that started before the cutoff can finish after a newer
    // one, so the scan goes on until entries finished well before the cutoff.
    let total = 0;
    let success = 0;
    for (let i = this.window.size - 1; i >= 0; i--) {
      const r = this.window.at(i) as CallLogRecord;
      if (r.time + r.latencyMs < cutoff - 60_000) break;
      if (r.time < cutoff) continue;
      total++;
      if (r.status < 400) success++;
    }
    return { total, success };
  }

  status(): CallLogStatus {
    return { retained: this.window.size, pending: this.pending.length, droppedUnwritten: this.droppedUnwritten, lastFlushError: this.lastFlushError };
  }

  /**
   * Deletes entries that started before `before` (epoch ms), or all of them, from the store and
   * the window. Throws (changing nothing in memory) when the store cannot do it.
   */
  async deleteBefore(before?: number): Promise<{ deleted: number; storeDeleted: number }> {
    const keep = (r: CallLogRecord): boolean => before !== undefined && r.time >= before;
    this.pending = this.pending.filter(keep);
    await this.flushing;
    const storeDeleted = await this.opts.store.deleteBefore(before);
    const deleted = before === undefined ? this.window.size : this.window.retain(keep);
    if (before === undefined) this.window.clear();
    return { deleted, storeDeleted };
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.flush();
    if (this.pending.length > 0) this.opts.logger.warn({ pending: this.pending.length }, 'call log: entries not written at shutdown (store unavailable)');
  }
}
