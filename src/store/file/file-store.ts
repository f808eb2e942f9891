// The default store: one process, state in memory, written behind to ${dataDir}/accounts.json
// and ${dataDir}/kv.json (at most one atomic write per file per interval; close() flushes).
// The call log is appended to ${dataDir}/call_logs.jsonl.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AccountRecord } from '../records.js';
import { StoreClosedError } from '../store-error.js';
import { StoreHealth } from '../store-health.js';
import type { Store } from '../types.js';
import { checkAccountRecord, idOf } from '../validate-account-record.js';
import { removeStaleTempFiles } from './atomic-write-file.js';
import { CoalescingWriter } from './coalescing-writer.js';
import { CALL_LOG_FILE, FileCallLogStore } from './file-call-log-store.js';
import { FileAccountStore } from './file-account-store.js';
import { FileKvStore } from './file-kv-store.js';
import { FileDocumentStore } from './file-document-store.js';
import { MemoryClientKeyStore } from './memory-client-key-store.js';
import { FileMediaIndexStore } from './file-media-index-store.js';
import { FileVideoJobStore } from './file-video-job-store.js';
import { MemoryInflightCounter } from './memory-inflight-counter.js';
import { MemoryLockStore } from './memory-lock-store.js';
import { parseAccountsText } from './parse-accounts-text.js';
import { makePrivateDir } from './private-dir.js';
import { copyAside, moveAside, readJsonFile, readTextFile } from './read-json-file.js';

export interface FileStoreOptions {
  dataDir: string;
  logger: Logger;
  flushIntervalMs: number;
  deletionRetentionMs: number;
}

export const ACCOUNTS_FILE = 'accounts.json';
export const KV_FILE = 'kv.json';
export const VIDEO_JOBS_FILE = 'video_jobs.json';
export const MEDIA_INDEX_FILE = 'media_index.json';

export class FileStore implements Store {
  readonly mode = 'file' as const;
  readonly accounts: FileAccountStore;
  readonly inflight: MemoryInflightCounter;
  readonly locks: MemoryLockStore;
  readonly kv: FileKvStore;
  readonly callLogs: FileCallLogStore;
  readonly documents: FileDocumentStore;
  readonly keys: MemoryClientKeyStore;
  readonly videoJobs: FileVideoJobStore;
  readonly mediaIndex: FileMediaIndexStore;
  readonly accountsPath: string;
  readonly kvPath: string;
  private readonly health: StoreHealth;
  private readonly accountsWriter: CoalescingWriter;
  private readonly kvWriter: CoalescingWriter;
  private readonly jobsWriter: CoalescingWriter;
  private readonly mediaIndexWriter: CoalescingWriter;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(private readonly opts: FileStoreOptions) {
    const assertOpen = (): void => {
      if (this.closed) throw new StoreClosedError('file');
    };
    this.health = new StoreHealth('file', opts.logger, [], true);
    this.accountsPath = join(opts.dataDir, ACCOUNTS_FILE);
    this.kvPath = join(opts.dataDir, KV_FILE);
    this.accounts = new FileAccountStore({
      assertOpen,
      onChange: () => this.accountsWriter.markDirty(),
      deletionRetentionMs: opts.deletionRetentionMs,
    });
    this.kv = new FileKvStore({ assertOpen, onChange: () => this.kvWriter.markDirty() });
    this.callLogs = new FileCallLogStore({
      path: join(opts.dataDir, CALL_LOG_FILE),
      assertOpen,
      logger: opts.logger,
      onOk: () => this.health.ok(),
      onError: (err, context) => this.health.fail(err, context),
    });
    this.documents = new FileDocumentStore(opts.dataDir, assertOpen);
    this.inflight = new MemoryInflightCounter(assertOpen);
    this.locks = new MemoryLockStore(assertOpen);
    this.accountsWriter = this.writerFor(this.accountsPath, () => this.accounts.serialize());
    this.kvWriter = this.writerFor(this.kvPath, () => this.kv.serialize());
    this.keys = new MemoryClientKeyStore({ kv: this.kv, flush: () => this.kvWriter.flush() });
    this.videoJobs = new FileVideoJobStore({ assertOpen, onChange: () => this.jobsWriter.markDirty() });
    this.mediaIndex = new FileMediaIndexStore({ assertOpen, onChange: () => this.mediaIndexWriter.markDirty() });
    this.jobsWriter = this.writerFor(join(opts.dataDir, VIDEO_JOBS_FILE), () => this.videoJobs.serialize());
    this.mediaIndexWriter = this.writerFor(join(opts.dataDir, MEDIA_INDEX_FILE), () => this.mediaIndex.serialize());
  }

  /** Creates the data directory if needed (0700) and loads both files. */
  static async open(opts: FileStoreOptions): Promise<FileStore> {
    await makePrivateDir(opts.dataDir);
    const store = new FileStore(opts);
    await store.loadAccounts();
    await store.loadKv();
    await store.loadJsonDocument(VIDEO_JOBS_FILE, (v) => {
      const rejected = store.videoJobs.seed(v);
      if (rejected > 0) opts.logger.error({ file: VIDEO_JOBS_FILE, rejected }, 'video jobs file has invalid records: they were skipped');
    });
    await store.loadJsonDocument(MEDIA_INDEX_FILE, (v) => store.mediaIndex.seed(v));
    // Expired stored documents go at start-up, in the background (there may be many).
    void store.documents.sweep(true).catch((err: unknown) => opts.logger.warn({ err }, 'sweeping expired documents failed'));
    return store;
  }

  /** Completed file writes so far (tests check that bursts are coalesced). */
  get writes(): { accounts: number; kv: number } {
    return { accounts: this.accountsWriter.writes, kv: this.kvWriter.writes };
  }

  /** Writes pending changes now (close() does this too); rejects when a write fails. */
  async flush(): Promise<void> {
    if (this.closed) throw new StoreClosedError('file');
    await Promise.all([this.accountsWriter.flush(), this.kvWriter.flush(), this.jobsWriter.flush(), this.mediaIndexWriter.flush()]);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StoreClosedError('file');
  }

  healthy(): boolean {
    return !this.closed && this.health.healthy();
  }

  lastError(): string | undefined {
    return this.health.lastError();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.keys.close();
      this.closed = true;
      this.documents.close();
      const results = await Promise.allSettled([this.accountsWriter.close(), this.kvWriter.close(), this.jobsWriter.close(), this.mediaIndexWriter.close(), this.callLogs.drain()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw this.health.fail(failed.reason, 'final write on close failed');
    })();
    return this.closing;
  }

  private writerFor(path: string, serialize: () => readonly string[]): CoalescingWriter {
    return new CoalescingWriter({
      path,
      serialize,
      minIntervalMs: this.opts.flushIntervalMs,
      onWritten: (ms) => {
        this.health.ok();
        if (ms > 1000) this.opts.logger.warn({ file: path, ms }, 'slow store file write');
      },
      onError: (err) => {
        this.health.fail(err, `writing ${path}`);
      },
    });
  }

  private async loadAccounts(): Promise<void> {
    const log = this.opts.logger;
    const path = this.accountsPath;
    await removeStaleTempFiles(path);
    const text = await readTextFile(path);
    if (text === undefined) return;
    const parsed = parseAccountsText(text);
    if (parsed.kind !== 'ok') {
      const movedTo = await moveAside(path, 'corrupt');
      const why = parsed.kind === 'corrupt' ? parsed.error : 'unknown shape (expected { "accounts": [...] })';
      log.error({ file: path, movedTo, err: why }, 'accounts file is corrupt: moved aside, starting with no accounts');
      return;
    }
    const records: { record: AccountRecord; json: string | undefined }[] = [];
    const rejected: { index: number; id?: string; error: string }[] = [];
    parsed.items.forEach(({ value, json }, index) => {
      const check = checkAccountRecord(value);
      // The line read is the record's JSON only when it needed no normalising.
      if (check.ok) records.push({ record: check.record, json: check.record === value ? json : undefined });
      else rejected.push({ index, id: idOf(value), error: check.error });
    });
    this.accounts.seed(records);
    if (rejected.length > 0) {
      // The next write drops them: keep the original next to it so nothing is lost.
      const copy = await copyAside(path, 'rejected');
      log.error(
        { file: path, copy, rejected: rejected.length, first: rejected.slice(0, 5) },
        'accounts file has invalid records: they were skipped (original kept)',
      );
    }
  }

  /** Loads one of the JSON documents (video jobs, media index); a corrupt one is moved aside. */
  private async loadJsonDocument(file: string, seed: (value: unknown) => void): Promise<void> {
    const path = join(this.opts.dataDir, file);
    await removeStaleTempFiles(path);
    const read = await readJsonFile(path);
    if (read.kind === 'missing') return;
    if (read.kind === 'corrupt') {
      this.opts.logger.error({ file: path, movedTo: read.movedTo, err: read.error }, 'store file is corrupt: moved aside, starting empty');
      return;
    }
    seed(read.value);
  }

  private async loadKv(): Promise<void> {
    const log = this.opts.logger;
    const path = this.kvPath;
    await removeStaleTempFiles(path);
    const read = await readJsonFile(path);
    if (read.kind === 'missing') return;
    if (read.kind === 'corrupt') {
      log.error({ file: path, movedTo: read.movedTo, err: read.error }, 'kv file is corrupt: moved aside, starting empty');
      return;
    }
    const entries = kvEntries(read.value);
    if (!entries) {
      const movedTo = await moveAside(path, 'corrupt');
      log.error({ file: path, movedTo }, 'kv file has an unknown shape: moved aside, starting empty');
      return;
    }
    this.kv.seed(entries);
  }
}

/** `{ version, entries: { key: "value" } }`; non-string values are kept as their JSON text. */
function kvEntries(value: unknown): [string, string][] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = (value as { entries?: unknown }).entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return undefined;
  return Object.entries(entries).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}
