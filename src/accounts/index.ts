export type {
  AccountTier,
  AccountLease,
  AccountSource,
  AccountSummary,
  LeaseOutcome,
  LeaseRequest,
  LeaseResult,
} from './account-source.js';
export { SeededAccountSource } from './seeded-account-source.js';
export { maskToken } from './mask-token.js';
