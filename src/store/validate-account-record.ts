// Checks records read back from storage against the schema. A fast structural check accepts the
// canonical shape the drivers write (every default present, nothing extra) without going through
// zod; anything else takes the zod path, which fills defaults, strips unknown keys or rejects.
import { accountRecordSchema, type AccountRecord } from './records.js';

export type RecordCheck = { ok: true; record: AccountRecord } | { ok: false; error: string };

const TIERS = new Set(['basic', 'super', 'heavy']);
const STATUSES = new Set(['active', 'cooling', 'invalid', 'disabled']);
const REQUIRED_NUMBERS = [
  'coolingUntil',
  'createdAt',
  'lastUsedAt',
  'lastSuccessAt',
  'calls',
  'failures',
  'consecutiveFailures',
  'updatedAt',
] as const;
const OPTIONAL_STRINGS = ['proxyId', 'userId', 'lastErrorKind', 'lastErrorMessage'] as const;
/** id, token, tier, tierPinned, status, quotas, tags, note + the required numbers. */
const REQUIRED_KEY_COUNT = 8 + REQUIRED_NUMBERS.length;
const QUOTA_NUMBERS = ['remaining', 'total', 'windowSeconds', 'resetAt', 'syncedAt', 'coolingUntil'] as const;
const MEDIA_QUOTA_NUMBERS = ['remaining', 'windowSeconds', 'resetAt', 'syncedAt'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isCanonicalQuota(v: unknown): boolean {
  if (!isObject(v)) return false;
  let n = 0;
  for (const k of QUOTA_NUMBERS) {
    if (!isNumber(v[k])) return false;
    n++;
  }
  return Object.keys(v).length === n;
}

function isCanonicalMediaQuota(v: unknown): boolean {
  if (!isObject(v) || typeof v.available !== 'boolean') return false;
  for (const k of MEDIA_QUOTA_NUMBERS) if (!isNumber(v[k])) return false;
  return Object.keys(v).length === MEDIA_QUOTA_NUMBERS.length + 1;
}

/** True when `v` is exactly what the schema would output for it (so parsing can be skipped). */
export function isCanonicalAccountRecord(v: unknown): v is AccountRecord {
  if (!isObject(v)) return false;
  if (typeof v.id !== 'string' || typeof v.token !== 'string' || typeof v.note !== 'string') return false;
  if (typeof v.tier !== 'string' || !TIERS.has(v.tier)) return false;
  if (typeof v.status !== 'string' || !STATUSES.has(v.status)) return false;
  if (typeof v.tierPinned !== 'boolean') return false;
  for (const k of REQUIRED_NUMBERS) if (!isNumber(v[k])) return false;
  const tags = v.tags;
  if (!Array.isArray(tags)) return false;
  for (const t of tags) if (typeof t !== 'string') return false;
  const quotas = v.quotas;
  if (!isObject(quotas)) return false;
  for (const q of Object.values(quotas)) if (!isCanonicalQuota(q)) return false;
  let keys = REQUIRED_KEY_COUNT;
  if ('mediaQuotas' in v) {
    const media = v.mediaQuotas;
    if (!isObject(media)) return false;
    for (const q of Object.values(media)) if (!isCanonicalMediaQuota(q)) return false;
    keys++;
  }
  for (const k of OPTIONAL_STRINGS) {
    if (!(k in v)) continue;
    if (typeof v[k] !== 'string') return false;
    keys++;
  }
  return Object.keys(v).length === keys;
}

/** Validates one stored record: fast path for the canonical shape, zod for everything else. */
export function checkAccountRecord(v: unknown): RecordCheck {
  if (isCanonicalAccountRecord(v)) return { ok: true, record: v };
  const parsed = accountRecordSchema.safeParse(v);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'record';
  return { ok: false, error: `${where}: ${issue?.message ?? 'invalid'}` };
}

/** The id of a stored value that failed validation, when it has one (for log lines; never the token). */
export function idOf(v: unknown): string | undefined {
  return isObject(v) && typeof v.id === 'string' ? v.id : undefined;
}
