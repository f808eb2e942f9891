// What the gateway expects of the quota answers (docs/grok-protocol.md "Quotas"): POST
// /rest/rate-limits and POST /rest/media/imagine/quota_info. Both are read on quota syncs and after
// calls, rarely enough to be checked every time.
import { checkShape, looksLikeHtml, type DriftFinding } from './check.js';
import { ign, opt, shape, type ShapeSpec } from './spec.js';

export const RATE_LIMITS_ANSWER: ShapeSpec = shape({
  windowSizeSeconds: opt('number'),
  remainingQueries: opt('number'),
  totalQueries: opt('number'),
  remainingTokens: opt('number'),
  totalTokens: ign(),
  lowEffortRateLimits: ign(),
  highEffortRateLimits: ign(),
  waitTimeSeconds: ign(),
});

const MEDIA_BUCKET = shape({ available: opt('boolean'), remainingQueries: opt('number'), windowSizeSeconds: opt('number'), nextAvailableAt: opt('string') });
const bucket = () => opt(['object', 'null'], MEDIA_BUCKET);

export const QUOTA_INFO_ANSWER: ShapeSpec = shape({ image: bucket(), imagePro: bucket(), imageEdit: bucket(), video: bucket(), video720p: bucket() });

type Obj = Record<string, unknown>;

function parsedObject(text: string, path: string, out: DriftFinding[]): Obj | undefined {
  if (looksLikeHtml(text)) {
    out.push({ kind: 'html-body', path, type: 'html' });
    return undefined;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    out.push({ kind: 'type-changed', path, type: 'not-json' });
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    out.push({ kind: 'type-changed', path, type: Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v });
    return undefined;
  }
  return v as Obj;
}

export function checkRateLimitsAnswer(text: string): DriftFinding[] {
  const out: DriftFinding[] = [];
  const v = parsedObject(text, 'rate-limits answer', out);
  if (!v) return out;
  checkShape(v, RATE_LIMITS_ANSWER, 'rate-limits', out);
  if (v.remainingQueries === undefined && v.remainingTokens === undefined) out.push({ kind: 'missing-field', path: 'rate-limits.remainingQueries', type: 'undefined' });
  return out;
}

export function checkQuotaInfoAnswer(text: string): DriftFinding[] {
  const out: DriftFinding[] = [];
  const v = parsedObject(text, 'quota_info answer', out);
  if (!v) return out;
  return checkShape(v, QUOTA_INFO_ANSWER, 'quota_info', out);
}
