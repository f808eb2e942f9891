// The answer of POST /rest/media/imagine/quota_info (docs/grok-protocol.md, "Quotas"): one snapshot
// of the account's Imagine media buckets. `image` (lite, which counts against the chat `fast`
// window) is ignored; `imagePro` → image_pro, `imageEdit` → image_edit, `video` (480p) → video,
// `video720p` → video_720p. `null` = the product is not offered to this account. A missing
// `remainingQueries` is "unknown, available" (the live site has been seen leaving it out).

export const MEDIA_QUOTA_BUCKETS = ['image_pro', 'image_edit', 'video', 'video_720p'] as const;
export type MediaQuotaBucket = (typeof MEDIA_QUOTA_BUCKETS)[number];

const SOURCE_KEYS: Record<MediaQuotaBucket, string> = {
  image_pro: 'imagePro',
  image_edit: 'imageEdit',
  video: 'video',
  video_720p: 'video720p',
};

export interface MediaQuotaBucketState {
  /** False when the product is not offered (null in the answer) or says unavailable. */
  available: boolean;
  /** Queries left; undefined = Grok did not say. */
  remaining: number | undefined;
  windowSeconds: number | undefined;
  /** Epoch ms when the bucket refills: nextAvailableAt, else now + window; undefined when unknown. */
  resetAt: number | undefined;
}

export type MediaQuotaSnapshot = Record<MediaQuotaBucket, MediaQuotaBucketState>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function bucket(v: unknown, now: number): MediaQuotaBucketState | undefined {
  if (v === null) return { available: false, remaining: undefined, windowSeconds: undefined, resetAt: undefined };
  if (!isRecord(v)) return undefined;
  const remainingRaw = finite(v.remainingQueries);
  const remaining = remainingRaw === undefined ? undefined : Math.max(0, Math.floor(remainingRaw));
  const windowRaw = finite(v.windowSizeSeconds);
  const windowSeconds = windowRaw !== undefined && windowRaw > 0 ? windowRaw : undefined;
  const next = typeof v.nextAvailableAt === 'string' ? Date.parse(v.nextAvailableAt) : Number.NaN;
  const resetAt = Number.isFinite(next) ? next : windowSeconds !== undefined ? now + windowSeconds * 1000 : undefined;
  // `available` is documented as required; an answer without it is read from the count.
  const available = typeof v.available === 'boolean' ? v.available : remaining === undefined || remaining > 0;
  return { available, remaining, windowSeconds, resetAt };
}

/**
 * The snapshot, or null when the text is not JSON or a bucket key is missing or malformed (a
 * snapshot is all-or-nothing: stored in one go).
 */
export function parseQuotaInfo(text: string, now = Date.now()): MediaQuotaSnapshot | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(json)) return null;
  const out: Partial<MediaQuotaSnapshot> = {};
  for (const b of MEDIA_QUOTA_BUCKETS) {
    const key = SOURCE_KEYS[b];
    if (!(key in json)) return null;
    const state = bucket(json[key], now);
    if (!state) return null;
    out[b] = state;
  }
  return out as MediaQuotaSnapshot;
}
