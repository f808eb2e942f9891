// The MySQL store: shared by several gateway instances through one database. The pool
// reconnects by itself; calls fail (never hang) while the server is unreachable.
import { MysqlClientKeyStore } from './mysql-client-key-store.js';
import type { Logger } from 'pino';
import { redactUrl, urlSecrets } from '../redact-url.js';
import { StoreClosedError } from '../store-error.js';
import { StoreHealth } from '../store-health.js';
import type { Store } from '../types.js';
import { MysqlAccountStore } from './mysql-account-store.js';
import { MysqlCallLogStore } from './mysql-call-log-store.js';
import { MysqlDb } from './mysql-db.js';
import { MysqlInflightCounter } from './mysql-inflight-counter.js';
import { MysqlKvStore } from './mysql-kv-store.js';
import { MysqlDocumentStore } from './mysql-document-store.js';
import { MysqlLockStore } from './mysql-lock-store.js';
import { MysqlMediaIndexStore } from './mysql-media-index-store.js';
import { MysqlVideoJobStore } from './mysql-video-job-store.js';
import { mysqlTables, type MysqlTables } from './mysql-schema.js';

export interface MysqlStoreOptions {
  url: string;
  keyPrefix: string;
  logger: Logger;
  inflightTtlMs: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  deletionRetentionMs: number;
}

export class MysqlStore implements Store {
  readonly mode = 'mysql' as const;
  readonly accounts: MysqlAccountStore;
  readonly inflight: MysqlInflightCounter;
  readonly locks: MysqlLockStore;
  readonly kv: MysqlKvStore;
  readonly keys: MysqlClientKeyStore;
  readonly callLogs: MysqlCallLogStore;
  readonly videoJobs: MysqlVideoJobStore;
  readonly mediaIndex: MysqlMediaIndexStore;
  readonly documents: MysqlDocumentStore;
  private readonly tables: MysqlTables;
  private readonly db: MysqlDb;
  private readonly health: StoreHealth;
  private closed = false;

  constructor(opts: MysqlStoreOptions) {
    this.tables = mysqlTables(opts.keyPrefix);
    this.health = new StoreHealth('mysql', opts.logger, urlSecrets(opts.url));
    this.db = new MysqlDb({
      url: opts.url,
      tables: this.tables,
      health: this.health,
      logger: opts.logger,
      connectTimeoutMs: opts.connectTimeoutMs,
      commandTimeoutMs: opts.commandTimeoutMs,
    });
    opts.logger.info({ store: 'mysql', url: redactUrl(opts.url), prefix: opts.keyPrefix }, 'mysql store configured');
    this.accounts = new MysqlAccountStore({
      db: this.db,
      tables: this.tables,
      logger: opts.logger,
      deletionRetentionMs: opts.deletionRetentionMs,
    });
    this.inflight = new MysqlInflightCounter(this.db, this.tables, opts.inflightTtlMs);
    this.locks = new MysqlLockStore(this.db, this.tables);
    this.kv = new MysqlKvStore(this.db, this.tables);
    this.callLogs = new MysqlCallLogStore(this.db, this.tables);
    this.documents = new MysqlDocumentStore(this.db, this.tables);
    this.keys = new MysqlClientKeyStore(this.db, this.tables);
    this.videoJobs = new MysqlVideoJobStore(this.db, this.tables);
    this.mediaIndex = new MysqlMediaIndexStore(this.db, this.tables);
    // Like the Redis client, connect (and create the tables) in the background so healthy()
    // soon tells the truth; failures are logged and recorded, and the next call retries.
    this.ping().catch(() => undefined);
  }

  ping(): Promise<void> {
    return this.db.run('ping', async () => {
      await this.db.rows('SELECT 1');
    });
  }

  healthy(): boolean {
    return !this.closed && this.health.healthy();
  }

  lastError(): string | undefined {
    return this.health.lastError();
  }

  /** Every write has reached MySQL when its promise resolved: nothing is held back here. */
  async flush(): Promise<void> {
    if (this.closed) throw new StoreClosedError('mysql');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}
