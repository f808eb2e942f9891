// One async video job as the store keeps it, shared by every gateway instance: what the client
// asked for (enough to run it again on another instance), its state, who runs it (lease), and the
// callback's delivery state. The callback state lives beside the record (it only moves by
// compare-and-swap, so two instances never both deliver) and is merged into it on read.
import { z } from 'zod';

export const videoJobStatusSchema = z.enum(['queued', 'in_progress', 'completed', 'failed']);
export type VideoJobStatus = z.infer<typeof videoJobStatusSchema>;

/**
 * none: no callback_url. pending: not sent yet. sending:<instance>: that instance is delivering it
 * (another takes it over when that instance's lease on the job has expired). delivered / failed: done.
 */
export const callbackStateSchema = z.string().regex(/^(?:none|pending|delivered|failed|sending:.+)$/);
export type CallbackState = z.infer<typeof callbackStateSchema>;

export const videoJobInputSchema = z.object({
  requestId: z.string(),
  prompt: z.string(),
  seconds: z.number().int(),
  aspectRatio: z.string(),
  resolution: z.enum(['480p', '720p']),
  preset: z.string(),
  target: z.object({ format: z.enum(['url', 'b64_json', 'upstream']), baseUrl: z.string() }),
});

export const videoJobRecordSchema = z.object({
  id: z.string().min(1).max(191),
  /** The API key's owner id (never the key). */
  owner: z.string(),
  model: z.string(),
  size: z.string(),
  input: videoJobInputSchema,
  status: videoJobStatusSchema,
  progress: z.number(),
  /** Epoch ms. */
  createdAt: z.number(),
  completedAt: z.number().nullable(),
  /** Epoch ms after which the finished job is forgotten; null while it runs. */
  expiresAt: z.number().nullable(),
  /** The instance that runs (or last ran) it. */
  ownerInstance: z.string().nullable(),
  /** Epoch ms the runner's lease ends unless renewed (0: nobody runs it). */
  leaseExpiresAt: z.number(),
  /** How many times a run was started (1 on the first run; more after take-overs). */
  attempts: z.number().int(),
  /** What happened, oldest first (take-overs, restarts, callback results). */
  events: z.array(z.object({ at: z.number(), message: z.string() })),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  url: z.string().nullable(),
  thumbnailUrl: z.string().nullable(),
  callbackUrl: z.string().nullable(),
  /** Sent in the callback body and the Idempotency-Key header: the same for every delivery attempt. */
  callbackKey: z.string(),
  callbackState: callbackStateSchema,
});
export type VideoJobRecord = z.infer<typeof videoJobRecordSchema>;

/** Parses a stored record (JSON text); undefined when it is not one (logged by the caller's store). */
export function parseVideoJobRecord(text: string, callbackState?: string): VideoJobRecord | undefined {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (callbackState !== undefined) raw.callbackState = callbackState;
    const r = videoJobRecordSchema.safeParse(raw);
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
