// Persisted shapes. The store layer owns them (it imports nothing from the layers above);
// accounts/ and others build their in-memory models from these records.
import { z } from 'zod';

export const accountTierSchema = z.enum(['basic', 'super', 'heavy']);
export const accountStatusSchema = z.enum(['active', 'cooling', 'invalid', 'disabled']);

/** One quota window of one bucket (upstream mode), as last known. */
export const quotaWindowSchema = z.object({
  remaining: z.number(),
  total: z.number(),
  windowSeconds: z.number(),
  /** Epoch ms when the window resets (0 = unknown). */
  resetAt: z.number(),
  /** Epoch ms of the last sync from /rest/rate-limits (0 = never: local estimate). */
  syncedAt: z.number(),
  /** Epoch ms until which this bucket is cooling after a 429 (0 = not cooling). */
  coolingUntil: z.number().default(0),
});
export type QuotaWindow = z.infer<typeof quotaWindowSchema>;

/**
 * One Imagine media bucket (image_pro, image_edit, video, video_720p) from
 * /rest/media/imagine/quota_info. Grok does not always send a count: -1 = unknown.
 */
export const mediaQuotaSchema = z.object({
  /** False when the product is not offered to the account, or Grok says it is unavailable now. */
  available: z.boolean(),
  /** Queries left; -1 = Grok did not say. */
  remaining: z.number(),
  /** Window length in seconds; 0 = unknown. */
  windowSeconds: z.number(),
  /** Epoch ms when the bucket refills; 0 = unknown. */
  resetAt: z.number(),
  /** Epoch ms of the quota_info call this came from. */
  syncedAt: z.number(),
});
export type MediaQuota = z.infer<typeof mediaQuotaSchema>;

export const accountRecordSchema = z.object({
  /** Stable id derived from the token (sha256 prefix), so all instances agree on it. */
  id: z.string(),
  /** The whole SSO token. Stored whole, shown masked. */
  token: z.string(),
  tier: accountTierSchema,
  /** True when the tier was set by the operator (not inferred from rate limits). */
  tierPinned: z.boolean().default(false),
  status: accountStatusSchema,
  /** Epoch ms until which the whole account is cooling (status cooling). */
  coolingUntil: z.number().default(0),
  quotas: z.record(z.string(), quotaWindowSchema).default({}),
  /** The Imagine media buckets as last read (absent = never read). Informational: leases do not use them. */
  mediaQuotas: z.record(z.string(), mediaQuotaSchema).optional(),
  tags: z.array(z.string()).default([]),
  note: z.string().default(''),
  /** Proxy this account is pinned/bound to (egress issue); undefined = none. */
  proxyId: z.string().optional(),
  /**
   * Grok user UUID of the session (GET /api/auth/session), the address of its mgw chat socket.
   * Looked up on first use and refreshed when a handshake says it is wrong; undefined = not yet known.
   */
  userId: z.string().optional(),
  createdAt: z.number(),
  lastUsedAt: z.number().default(0),
  lastSuccessAt: z.number().default(0),
  calls: z.number().default(0),
  failures: z.number().default(0),
  consecutiveFailures: z.number().default(0),
  lastErrorKind: z.string().optional(),
  lastErrorMessage: z.string().optional(),
  /** Epoch ms of the last change; also the cross-instance sync cursor. */
  updatedAt: z.number(),
});
export type AccountRecord = z.infer<typeof accountRecordSchema>;
