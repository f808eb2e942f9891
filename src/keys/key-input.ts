// The admin API's bodies for client keys (POST /api/keys, PATCH /api/keys/:id). Strict objects:
// a misspelt limit is a 400 naming it, never silently an unlimited key.
import { z } from 'zod';

const limit = z.number().int().min(1).max(1_000_000_000).nullable().optional();

export const keyLimitsInput = z.strictObject({
  rpm: limit,
  concurrency: limit,
  requests_per_day: limit,
  tokens_per_day: limit,
  monthly_requests: limit,
});

/** ISO date/time or epoch ms; null clears it. */
const expiresAt = z
  .union([z.number().int().positive(), z.string().min(1).max(64)])
  .nullable()
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined) return v;
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date/time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

const models = z.array(z.string().trim().min(1).max(256)).max(500);

export const createKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  note: z.string().max(1000).optional(),
  models: models.optional(),
  expires_at: expiresAt,
  enabled: z.boolean().optional(),
  limits: keyLimitsInput.optional(),
});

export const patchKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  note: z.string().max(1000).optional(),
  models: models.optional(),
  expires_at: expiresAt,
  enabled: z.boolean().optional(),
  limits: keyLimitsInput.optional(),
});

// expires_at is optional for callers (zod's inferred output makes a transformed optional field required).
export type CreateKeyInput = Omit<z.infer<typeof createKeyInput>, 'expires_at'> & { expires_at?: number | null | undefined };
export type PatchKeyInput = Omit<z.infer<typeof patchKeyInput>, 'expires_at'> & { expires_at?: number | null | undefined };
export type KeyLimitsInput = z.infer<typeof keyLimitsInput>;
