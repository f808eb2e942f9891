// Wire shapes of the admin API (docs/admin-api.md), as the console reads them. The call-log entry
// and the account enums come from the server's own types (type-only imports: nothing of src/
// reaches the bundle); the rest mirrors route answers that are built in Node-only modules.
import type { AccountRecord } from '../../../src/store/records.js';
import type { CallLogRecord } from '../../../src/store/types.js';

export type { CallLogRecord };
export type Tier = AccountRecord['tier'];
export type AccountStatus = AccountRecord['status'];
export const TIERS: readonly Tier[] = ['basic', 'super', 'heavy'];
export const STATUSES: readonly AccountStatus[] = ['active', 'cooling', 'invalid', 'disabled'];

export interface Session {
  user: string;
  createdAt: number;
  expiresAt: number;
  passwordSource?: 'config' | 'generated' | 'console';
}

export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

export interface QuotaView {
  remaining: number;
  total: number;
  windowSeconds: number;
  resetAt: number;
  coolingUntil: number;
  syncedAt: number;
}

/** One Imagine media bucket from quota_info (null = Grok did not say). */
export interface MediaQuotaView {
  available: boolean;
  remaining: number | null;
  windowSeconds: number | null;
  resetAt: number | null;
  syncedAt: number;
}

export interface TokenRow {
  id: string;
  token: string;
  tier: Tier;
  tierPinned: boolean;
  status: AccountStatus;
  coolingUntil: number;
  quotas: Record<string, QuotaView>;
  /** Imagine media buckets (image_pro, image_edit, video, video_720p); {} until read. */
  mediaQuotas?: Record<string, MediaQuotaView>;
  tags: string[];
  note: string;
  inflight: number;
  calls: number;
  failures: number;
  consecutiveFailures: number;
  lastErrorKind: string | null;
  lastErrorMessage: string | null;
  lastUsedAt: number;
  lastSuccessAt: number;
  createdAt: number;
  updatedAt: number;
  proxy: string | null;
}

export type StatusCounts = Record<'total' | AccountStatus, number>;

export interface TokenPage extends Page<TokenRow> {
  tags: Array<{ tag: string; count: number }>;
  summary: StatusCounts;
}

export interface AddTokensResult {
  added: number;
  updated: number;
  errors: Array<{ line: number; message: string }>;
  results: Array<{ line: number; id: string; token: string; result: 'added' | 'updated' }>;
}

export interface ProbeOutcome {
  ok: boolean;
  ms: number;
  kind?: string;
  message?: string;
  tier?: string;
  reply?: string;
}

export interface TokenTestResult {
  id: string;
  token: string;
  ok: boolean;
  tier: Tier;
  status: AccountStatus;
  sync: ProbeOutcome;
  chat?: ProbeOutcome;
}

export interface RefreshResult {
  total: number;
  ok: number;
  failed: number;
  results: Array<{ id: string; token?: string; ok: boolean; kind?: string; message?: string }>;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  avg: number | null;
  max: number | null;
}

export interface DashboardStats {
  accounts: StatusCounts;
  byTier: Partial<Record<Tier, StatusCounts>>;
  inflight: number;
  quota: Record<string, { remaining: number; total: number; accounts: number }>;
  requests: {
    lastMinute: number;
    lastHour: number;
    perMinute: number;
    successRateLastHour: number | null;
    retained: number;
    successRate: number | null;
    latencyMs: Percentiles;
  };
  callLog: { retained: number; pending: number; droppedUnwritten: number; lastFlushError: string | null };
  storage: { mode: string; healthy: boolean; lastError: string | null };
  uptimeSeconds: number;
  /** The admission queue (requests waiting for a free account). */
  queue?: { depth: number; oldestWaitSeconds: number; queued: number; served: number; timedOut: number; rejectedFull: number; timeoutSeconds: number; max: number };
  time: number;
}

export interface CountRow {
  total: number;
  success: number;
  failed: number;
}

export interface TimeBucket extends CountRow {
  t: number;
  p50LatencyMs: number | null;
  p95LatencyMs?: number | null;
}

export interface LogStats extends CountRow {
  from: number | null;
  to: number;
  successRate: number | null;
  latencyMs: Percentiles;
  ttfbMs: Percentiles;
  tokens: { prompt: number; completion: number };
  bytes: number;
  byModel: Array<CountRow & { model: string; p50LatencyMs: number | null }>;
  byAccount: Array<CountRow & { account: string }>;
  byApiKey: Array<CountRow & { apiKey: string }>;
  byStatus: Array<{ status: number; count: number }>;
  errorsByKind: Array<{ kind: string; count: number }>;
  buckets: { size: 'minute' | 'hour' | 'day'; items: TimeBucket[] };
}

export interface LogFacets {
  models: Array<{ model: string; count: number }>;
  accounts: Array<{ account: string; count: number }>;
  apiKeys: Array<{ apiKey: string; count: number }>;
}

export type SettingType = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'string[]' | 'number[]';

export interface SettingView {
  key: string;
  section: string;
  name: string;
  type: SettingType;
  enum?: string[];
  min?: number;
  max?: number;
  default: unknown;
  description: string;
  envVar: string;
  secret: boolean;
  value: unknown;
  isSet?: boolean;
  source: 'default' | 'file' | 'env';
  readOnly: boolean;
  applies: 'live' | 'restart';
}

export interface ModelView {
  id: string;
  kind: 'chat' | 'image' | 'image-edit' | 'video';
  mode?: string;
  tier: Tier;
  bucket: string;
  aliases?: string[];
  enabled: boolean;
  description?: string;
  source: string;
}

export interface SettingsResponse {
  settings: SettingView[];
  models: ModelView[];
}

export interface SettingsSaved extends SettingsResponse {
  ok: true;
  applied: string[];
  restartRequired: string[];
}

export interface CacheKindSize {
  files: number;
  bytes: number;
  limitBytes: number;
}

export interface CacheSize {
  images: CacheKindSize;
  videos: CacheKindSize;
  bytes: number;
  note?: string;
}

export interface ProxyView {
  id: string;
  url: string;
  pool: 'app' | 'asset';
  source: 'config' | 'admin' | 'import';
  healthy: boolean;
  checkedAt: number;
  latencyMs?: number;
  lastError?: string;
  consecutiveFailures: number;
  successes: number;
  failures: number;
  boundAccounts: number;
  pinnedAccounts: number;
  cfClearance: string;
  userAgent: string;
  hasOwnUserAgent: boolean;
}

export interface ProxyList {
  total: number;
  healthy: number;
  items: ProxyView[];
}

export interface ProxyAddResult {
  added: number;
  updated: number;
  ids: string[];
  errors: Array<{ line: number; message: string }>;
}

export interface ProxyTestResult {
  ok: boolean;
  latencyMs?: number;
  status?: number;
  error?: string;
  checkedAt: number;
}
