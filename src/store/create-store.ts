// Picks the driver for the configured storage mode. Redis and MySQL stores are returned without
// waiting for the server (the gateway can start and serve from memory while it is down); call
// ping() to find out whether it answers. A file store has loaded its files when this resolves.
import pino from 'pino';
import { FileStore } from './file/file-store.js';
import { MysqlStore } from './mysql/mysql-store.js';
import { RedisStore } from './redis/redis-store.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DELETION_RETENTION_MS,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_INFLIGHT_TTL_MS,
  DEFAULT_KEY_PREFIX,
  type StoreOptions,
} from './store-options.js';
import type { Store } from './types.js';

export async function createStore(opts: StoreOptions): Promise<Store> {
  const logger = (opts.logger ?? pino({ level: 'silent' })).child({ component: 'store' });
  const deletionRetentionMs = opts.deletionRetentionMs ?? DEFAULT_DELETION_RETENTION_MS;
  const keyPrefix = opts.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const remote = {
    url: opts.url,
    keyPrefix,
    logger,
    inflightTtlMs: opts.inflightTtlMs ?? DEFAULT_INFLIGHT_TTL_MS,
    connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    deletionRetentionMs,
  };
  switch (opts.mode) {
    case 'file':
      return FileStore.open({
        dataDir: opts.dataDir,
        logger,
        flushIntervalMs: opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
        deletionRetentionMs,
      });
    case 'redis':
      return new RedisStore(remote);
    case 'mysql':
      return new MysqlStore(remote);
    default: {
      const mode: never = opts.mode;
      throw new Error(`unknown storage mode ${String(mode)}`);
    }
  }
}
