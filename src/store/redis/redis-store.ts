// The Redis store: shared by several gateway instances. The client reconnects by itself with a
// capped backoff; while the server is down, calls fail at once (callers keep a backlog) instead of
// queueing. The URL's password never reaches a log line or an error message.
import { RedisClientKeyStore } from './redis-client-key-store.js';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl, urlSecrets } from '../redact-url.js';
import { StoreClosedError, StoreError } from '../store-error.js';
import { StoreHealth } from '../store-health.js';
import type { Store } from '../types.js';
import { RedisAccountStore } from './redis-account-store.js';
import { RedisCallLogStore } from './redis-call-log-store.js';
import { RedisInflightCounter } from './redis-inflight-counter.js';
import { redisKeys } from './redis-keys.js';
import { RedisKvStore } from './redis-kv-store.js';
import { RedisDocumentStore } from './redis-document-store.js';
import { RedisLockStore } from './redis-lock-store.js';
import { RedisMediaIndexStore } from './redis-media-index-store.js';
import { RedisVideoJobStore } from './redis-video-job-store.js';

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  logger: Logger;
  inflightTtlMs: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  deletionRetentionMs: number;
}

/** Reconnect delays: 100 ms, 200 ms, ... capped at 3 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(attempt - 1, 0), 5), 3000);
}

const DOWN_STATES = new Set(['reconnecting', 'close', 'end']);

export class RedisStore implements Store {
  readonly mode = 'redis' as const;
  readonly accounts: RedisAccountStore;
  readonly inflight: RedisInflightCounter;
  readonly locks: RedisLockStore;
  readonly kv: RedisKvStore;
  readonly keys: RedisClientKeyStore;
  readonly callLogs: RedisCallLogStore;
  readonly videoJobs: RedisVideoJobStore;
  readonly mediaIndex: RedisMediaIndexStore;
  readonly documents: RedisDocumentStore;
  private readonly client: Redis;
  private readonly health: StoreHealth;
  private closed = false;
  /** The last connection-level error (ECONNREFUSED, ...), to explain failed calls. */
  private connectionError: string | undefined;

  constructor(private readonly opts: RedisStoreOptions) {
    const secrets = urlSecrets(opts.url);
    this.health = new StoreHealth('redis', opts.logger, secrets);
    this.client = new Redis(opts.url, {
      connectTimeout: opts.connectTimeoutMs,
      commandTimeout: opts.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      retryStrategy: reconnectDelay,
      connectionName: 'grok2api',
    });
    this.client.on('ready', () => this.health.ok());
    this.client.on('error', (err: unknown) => {
      if (this.closed) return;
      this.connectionError = this.health.fail(err, 'connection').message;
    });
    this.client.on('close', () => {
      if (!this.closed && this.health.healthy()) this.health.fail(new Error('connection closed'), 'connection');
    });
    opts.logger.info({ store: 'redis', url: redactUrl(opts.url), prefix: opts.keyPrefix }, 'redis store configured');

    const keys = redisKeys(opts.keyPrefix);
    const run = <T>(context: string, op: () => Promise<T>): Promise<T> => this.run(context, op);
    this.accounts = new RedisAccountStore({
      client: this.client,
      keys,
      logger: opts.logger,
      deletionRetentionMs: opts.deletionRetentionMs,
      run,
    });
    this.inflight = new RedisInflightCounter(this.client, keys, opts.inflightTtlMs, run);
    this.locks = new RedisLockStore(this.client, keys, run);
    this.kv = new RedisKvStore(this.client, keys, run);
    this.callLogs = new RedisCallLogStore(this.client, keys, run);
    this.documents = new RedisDocumentStore(this.client, keys, run);
    this.keys = new RedisClientKeyStore(this.client, keys, run);
    this.videoJobs = new RedisVideoJobStore(this.client, keys, run);
    this.mediaIndex = new RedisMediaIndexStore(this.client, keys, run);
  }

  ping(): Promise<void> {
    return this.run('ping', async () => {
      await this.client.ping();
    });
  }

  healthy(): boolean {
    return !this.closed && this.health.healthy();
  }

  lastError(): string | undefined {
    return this.health.lastError();
  }

  /** Every write has reached Redis when its promise resolved: nothing is held back here. */
  async flush(): Promise<void> {
    if (this.closed) throw new StoreClosedError('redis');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
      await Promise.race([this.client.quit().then(() => undefined, () => undefined), timeout]);
    }
    this.client.disconnect();
  }

  private async run<T>(context: string, op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreClosedError('redis');
    if (DOWN_STATES.has(this.client.status)) {
      // Fail fast while disconnected; the client keeps reconnecting in the background.
      throw new StoreError('redis', `${context}: redis is unreachable (${this.connectionError ?? this.client.status})`);
    }
    try {
      const out = await op();
      this.health.ok();
      return out;
    } catch (err) {
      // ioredis's "max retries per request" says nothing useful: name the connection problem.
      const why =
        err instanceof Error && err.name === 'MaxRetriesPerRequestError'
          ? new Error(`redis is unreachable (${this.connectionError ?? 'no connection'})`)
          : err;
      throw this.health.fail(why, context);
    }
  }
}
