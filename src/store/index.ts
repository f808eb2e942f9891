// Public surface of the store layer: the interfaces, the persisted records, and createStore().
export type { AccountChanges, AccountStore, CallLogRecord, CallLogStore, DocumentStore, InflightCounter, KvStore, LockStore, MediaIndexStore, StorageMode, Store, VideoJobStore } from './types.js';
export { videoJobRecordSchema, type CallbackState, type VideoJobRecord, type VideoJobStatus } from './video-job-record.js';
export { mediaIndexEntrySchema, type MediaIndexEntry } from './media-index-entry.js';
export {
  accountRecordSchema,
  accountStatusSchema,
  accountTierSchema,
  mediaQuotaSchema,
  quotaWindowSchema,
  type AccountRecord,
  type MediaQuota,
  type QuotaWindow,
} from './records.js';
export { createStore } from './create-store.js';
export type { StoreOptions } from './store-options.js';
export { StoreClosedError, StoreError } from './store-error.js';
export { checkAccountRecord, isCanonicalAccountRecord, type RecordCheck } from './validate-account-record.js';
export { redactUrl } from './redact-url.js';
export { FileStore } from './file/file-store.js';
export { makePrivateDir, permissionsOf, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './file/private-dir.js';
export { RedisStore } from './redis/redis-store.js';
export { MysqlStore } from './mysql/mysql-store.js';
export type { AdmitCounts, AdmitSpec, AdmitVerdict, ClientKeyRecord, ClientKeyStore, KeyLimits, UsageDelta, UsageRow } from './client-key-types.js';
export { MemoryClientKeyStore } from './file/memory-client-key-store.js';
