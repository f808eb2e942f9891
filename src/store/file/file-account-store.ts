// Accounts of the file store. Memory is the truth: each record is kept as its JSON text (so a
// write of accounts.json only joins strings and never re-serialises unchanged records), with the
// record's updatedAt and the change clock of its last write (the changesSince cursor).
import type { AccountRecord } from '../records.js';
import type { AccountChanges, AccountStore } from '../types.js';
import { ACCOUNTS_FOOTER, ACCOUNTS_HEADER } from './parse-accounts-text.js';

interface Entry {
  json: string;
  updatedAt: number;
  changedAt: number;
}

export interface FileAccountStoreOptions {
  assertOpen: () => void;
  /** Called after every change that must reach the file. */
  onChange: () => void;
  deletionRetentionMs: number;
}

export class FileAccountStore implements AccountStore {
  private readonly entries = new Map<string, Entry>();
  /** id -> change clock of its deletion; refuses older upserts, feeds changesSince. */
  private readonly deletions = new Map<string, number>();
  private clock = 0;
  /** Records parsed at start-up, handed to the first loadAll() as they are (nobody else holds them). */
  private handoff: Map<string, AccountRecord> | undefined;

  constructor(private readonly opts: FileAccountStoreOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Fills the store from validated records read at start-up (newest wins on duplicate ids).
   * `json`, when given, is the record's JSON text as read (saves serialising it again).
   */
  seed(items: readonly { record: AccountRecord; json?: string | undefined }[]): void {
    const handoff = new Map<string, AccountRecord>();
    for (const { record: rec, json } of items) {
      const cur = this.entries.get(rec.id);
      if (cur && cur.updatedAt > rec.updatedAt) continue;
      const changedAt = Math.max(1, rec.updatedAt);
      this.entries.set(rec.id, { json: json ?? JSON.stringify(rec), updatedAt: rec.updatedAt, changedAt });
      handoff.set(rec.id, rec);
      if (changedAt > this.clock) this.clock = changedAt;
    }
    this.handoff = handoff;
  }

  /** The whole accounts.json, as pieces to concatenate. */
  serialize(): string[] {
    const pieces: string[] = [ACCOUNTS_HEADER];
    let first = true;
    for (const e of this.entries.values()) {
      pieces.push(first ? '\n' : ',\n', e.json);
      first = false;
    }
    pieces.push('\n', ACCOUNTS_FOOTER, '\n');
    return pieces;
  }

  async loadAll(): Promise<AccountRecord[]> {
    this.opts.assertOpen();
    const handoff = this.handoff;
    this.handoff = undefined;
    const out: AccountRecord[] = [];
    for (const [id, e] of this.entries) out.push(handoff?.get(id) ?? (JSON.parse(e.json) as AccountRecord));
    return out;
  }

  async upsertMany(records: AccountRecord[]): Promise<void> {
    this.opts.assertOpen();
    if (records.length === 0) return;
    const changedAt = this.tick();
    let changed = false;
    for (const rec of records) {
      const deletedAt = this.deletions.get(rec.id);
      if (deletedAt !== undefined && deletedAt >= rec.updatedAt) continue;
      const cur = this.entries.get(rec.id);
      if (cur && cur.updatedAt > rec.updatedAt) continue;
      this.entries.set(rec.id, { json: JSON.stringify(rec), updatedAt: rec.updatedAt, changedAt });
      this.deletions.delete(rec.id);
      this.handoff?.delete(rec.id);
      changed = true;
    }
    if (changed) this.opts.onChange();
  }

  async deleteMany(ids: string[]): Promise<void> {
    this.opts.assertOpen();
    if (ids.length === 0) return;
    const changedAt = this.tick();
    let changed = false;
    for (const id of ids) {
      if (this.entries.delete(id)) changed = true;
      this.handoff?.delete(id);
      this.deletions.set(id, changedAt);
    }
    this.pruneDeletions();
    if (changed) this.opts.onChange();
  }

  async changesSince(cursor: number): Promise<AccountChanges> {
    this.opts.assertOpen();
    let next = cursor;
    const records: AccountRecord[] = [];
    for (const e of this.entries.values()) {
      if (e.changedAt <= cursor) continue;
      records.push(JSON.parse(e.json) as AccountRecord);
      if (e.changedAt > next) next = e.changedAt;
    }
    const deleted: string[] = [];
    for (const [id, at] of this.deletions) {
      if (at <= cursor) continue;
      deleted.push(id);
      if (at > next) next = at;
    }
    return { records, deleted, cursor: next };
  }

  /** The change clock: epoch ms, strictly increasing per write batch. */
  private tick(): number {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  private pruneDeletions(): void {
    const horizon = Date.now() - this.opts.deletionRetentionMs;
    for (const [id, at] of this.deletions) if (at < horizon) this.deletions.delete(id);
  }
}
