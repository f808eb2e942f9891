// One interface per kind of data. Drivers: file (default), redis, mysql. Everything the gateway
// serves comes from memory; these interfaces persist behind it and share state across instances.
import type { MediaIndexEntry } from './media-index-entry.js';
import type { AccountRecord } from './records.js';
import type { ClientKeyStore } from './client-key-types.js';
import type { CallbackState, VideoJobRecord } from './video-job-record.js';

export type StorageMode = 'file' | 'redis' | 'mysql';

export interface AccountChanges {
  /** Records changed since the cursor (by any instance, including this one). */
  records: AccountRecord[];
  /** Ids deleted since the cursor. */
  deleted: string[];
  /** Pass back on the next call. */
  cursor: number;
}

export interface AccountStore {
  loadAll(): Promise<AccountRecord[]>;
  /** Insert or replace whole records (last writer wins per record, by updatedAt). */
  upsertMany(records: AccountRecord[]): Promise<void>;
  deleteMany(ids: string[]): Promise<void>;
  /** Changes since `cursor` (0 = everything). Used by other instances to pick up state within seconds. */
  changesSince(cursor: number): Promise<AccountChanges>;
}

/** Cross-instance in-flight counters: the per-account cap holds across gateway instances. */
export interface InflightCounter {
  /** Atomically increments the account's counter if it is below `max`; true when acquired. */
  tryAcquire(accountId: string, max: number): Promise<boolean>;
  release(accountId: string): Promise<void>;
  /** Current value (for tests and the admin view). */
  current(accountId: string): Promise<number>;
}

/** A named lock with expiry, so scheduled jobs (quota sync) run on one instance at a time. */
export interface LockStore {
  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(name: string, owner: string): Promise<void>;
}

/** Small key/value documents (settings, admin password hash, proxy list, ...). */
export interface KvStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Documents that expire on their own (stored Responses API objects, ...): one JSON text per key,
 * gone `ttlMs` after its last write. Shared across instances on Redis and MySQL.
 */
export interface DocumentStore {
  get(key: string): Promise<string | undefined>;
  /** Inserts or replaces the document; it expires `ttlMs` after this write. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** True when a (live) document was deleted. */
  delete(key: string): Promise<boolean>;
}

/** One finished API call as the call log keeps it. Secrets are masked before it gets here. */
export interface CallLogRecord {
  /** Unique, time-ordered id (`<time base36>-<random>`): orders and deduplicates across instances. */
  id: string;
  /** Epoch ms the request arrived. */
  time: number;
  requestId: string;
  method: string;
  endpoint: string;
  model?: string | undefined;
  stream?: boolean | undefined;
  /** Client API key name (masked key), never the key. */
  apiKey?: string | undefined;
  /** Masked account that served (or last failed) the call. */
  account?: string | undefined;
  proxy?: string | undefined;
  status: number;
  /** Failure kind (src/grok/errors.ts) when the upstream failed. */
  kind?: string | undefined;
  /** Error code or short message the client got. */
  error?: string | undefined;
  attempts?: number | undefined;
  /** Each upstream attempt: masked account, failure kind (undefined = success), upstream status. */
  upstream?: Array<{ account: string; kind?: string | undefined; status: number }> | undefined;
  ttfbMs?: number | undefined;
  latencyMs: number;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
  bytes?: number | undefined;
  /** Names of the tool calls the answer made (at most 32 kept), in order. */
  toolCalls?: string[] | undefined;
  /** previous_response_id / chat.continue_conversations: the Grok conversation was continued, or the turn fell back. */
  continuation?: 'continued' | 'fallback' | undefined;
}

/**
 * Persistence of the call log (the gateway answers queries from its in-memory window; this is what
 * survives restarts). Entries are appended in batches; the store keeps at least the newest `cap`.
 */
export interface CallLogStore {
  /** Appends a batch (oldest first) and drops entries beyond the newest `cap` (file: lazily, up to 2 × cap). */
  append(entries: readonly CallLogRecord[], cap: number): Promise<void>;
  /** The newest `limit` entries, oldest first. The file driver also compacts its file to them (start-up). */
  loadRecent(limit: number): Promise<CallLogRecord[]>;
  /** Deletes entries older than `before` (epoch ms), or every entry when undefined. Returns how many. */
  deleteBefore(before?: number): Promise<number>;
}

/**
 * Async video jobs, shared by all instances (file: one instance, persisted in DATA_DIR). Who runs a
 * job is decided by a LockStore lease, not here; this keeps the records.
 */
export interface VideoJobStore {
  /** Adds a job with a new id. */
  create(job: VideoJobRecord): Promise<void>;
  get(id: string): Promise<VideoJobRecord | undefined>;
  /** Every stored job, newest first. */
  list(): Promise<VideoJobRecord[]>;
  /** Replaces a job's record (not its callback state); false when the job no longer exists (deleted). */
  update(job: VideoJobRecord): Promise<boolean>;
  /** False when there was no such job. */
  delete(id: string): Promise<boolean>;
  /** Sets the callback state to `to` only if it is `from` now (atomically); true when this call set it. */
  swapCallbackState(id: string, from: CallbackState, to: CallbackState): Promise<boolean>;
  /** Deletes the jobs whose expiresAt is at or before `nowMs`; returns how many. */
  deleteExpired(nowMs: number): Promise<number>;
}

/** Where each generated media file came from, so any instance can fetch bytes it does not have. */
export interface MediaIndexStore {
  put(entry: MediaIndexEntry): Promise<void>;
  get(name: string): Promise<MediaIndexEntry | undefined>;
  delete(name: string): Promise<void>;
}

export interface Store {
  mode: StorageMode;
  accounts: AccountStore;
  inflight: InflightCounter;
  locks: LockStore;
  kv: KvStore;
  callLogs: CallLogStore;
  documents: DocumentStore;
  /** Client API keys: records, their limit counters and usage (src/keys). */
  keys: ClientKeyStore;
  videoJobs: VideoJobStore;
  mediaIndex: MediaIndexStore;
  /** Resolves when the backing server answers (no-op for file). */
  ping(): Promise<void>;
  /** True while the last operation against the backing server succeeded. */
  healthy(): boolean;
  /** Last connection/operation error, for /ready and logs (never includes credentials). */
  lastError(): string | undefined;
  /**
   * Resolves once every write made so far is durable: the file store writes its pending files
   * (atomically, fsynced); Redis and MySQL write through, so there is nothing to wait for. Rejects
   * when the write fails (the change stays pending and is retried).
   */
  flush(): Promise<void>;
  /** Writes anything pending (file write-behind) and closes connections. */
  close(): Promise<void>;
}
