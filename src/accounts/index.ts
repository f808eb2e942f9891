export type {
  AccountTier,
  AccountLease,
  AccountSource,
  AccountSummary,
  LeaseOutcome,
  LeaseRequest,
  LeaseResult,
} from './account-source.js';
export { AccountPool, type PoolSettings } from './account-pool.js';
export { AccountService, type AccountServiceOptions, type ImportResult } from './account-service.js';
export type { PoolAccount } from './pool-account.js';
export { currentWindow } from './pool-account.js';
export { routedQuotaClient, type AccountEgress, type RoutableQuotaClient } from './account-egress.js';
export { QuotaSyncer, type SyncResult, type RateLimitsClient } from './quota-sync.js';
export { parseTokenLines, parsePythonTokenFile, type TokenEntry, type ParsedTokens } from './token-import.js';
export { accountIdFor, normalizeToken } from './account-id.js';
export { DEFAULT_QUOTAS } from './quota-defaults.js';
export { tiersCanServe } from './model-eligibility.js';
export { maskToken } from './mask-token.js';
export { AdmissionQueue, tagAdmissionClient, type AdmissionSettings } from './admission-queue.js';
export { importLegacyTokenFile } from './legacy-import.js';
