// Options of createStore(). Only mode/url/dataDir come from the configuration; the rest are
// tuning knobs with defaults (tests shorten them).
import type { Logger } from 'pino';
import type { StorageMode } from './types.js';

export interface StoreOptions {
  mode: StorageMode;
  /** redis://[:password@]host:port/db or mysql://user[:password]@host:port/database; ignored for file. */
  url: string;
  /** Directory of accounts.json and kv.json (file mode). */
  dataDir: string;
  logger?: Logger;
  /** Redis key prefix / MySQL table prefix (letters, digits, `_`). Default `g2a`. */
  keyPrefix?: string;
  /** File mode: minimum gap between two writes of the same file. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Redis/MySQL: lifetime of an account's in-flight counter after its last acquire. Default 10 min. */
  inflightTtlMs?: number;
  /** Redis/MySQL: how long a connection attempt may take. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Redis/MySQL: how long one command may take before it fails. Default 10 000 ms. */
  commandTimeoutMs?: number;
  /** How long deletions are remembered for changesSince and for refusing stale upserts. Default 7 days. */
  deletionRetentionMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'g2a';
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
export const DEFAULT_INFLIGHT_TTL_MS = 10 * 60 * 1000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
export const DEFAULT_DELETION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
