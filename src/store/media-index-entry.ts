// One generated media file as the shared media index knows it: enough for an instance that lacks
// the bytes to fetch them from Grok (through the owning account's egress) and serve them.
import { z } from 'zod';

export const mediaIndexEntrySchema = z.object({
  /** The cache's file name (32 hex digits + extension). */
  name: z.string().min(1).max(191),
  kind: z.enum(['image', 'video']),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  /** Epoch ms. */
  createdAt: z.number(),
  /** Grok's absolute asset URL; null when the bytes came inline (imagine WebSocket blobs) and cannot be fetched again. */
  upstreamUrl: z.string().nullable(),
  /** The account whose cookie (and egress route) opens the asset URL. */
  accountId: z.string().nullable(),
});
export type MediaIndexEntry = z.infer<typeof mediaIndexEntrySchema>;

export function parseMediaIndexEntry(text: string): MediaIndexEntry | undefined {
  try {
    const r = mediaIndexEntrySchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
