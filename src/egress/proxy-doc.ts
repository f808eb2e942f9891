// The persisted proxy list: one small document in the store's key/value area, shared by every
// gateway instance. Bindings themselves live on the account records (AccountRecord.proxyId); this
// document holds the proxies added at run time and which accounts are pinned (not moved automatically).
import { z } from 'zod';

export const PROXY_DOC_KEY = 'egress.proxies';

export const proxyPoolSchema = z.enum(['app', 'asset']);
export type ProxyPoolName = z.infer<typeof proxyPoolSchema>;

export const storedProxySchema = z.object({
  id: z.string(),
  /** Canonical URL, credentials included (stored whole like tokens; shown masked). */
  url: z.string(),
  pool: proxyPoolSchema,
  cfClearance: z.string().optional(),
  userAgent: z.string().optional(),
  /** How it arrived: the admin API, or a `proxyURL@token` import. */
  source: z.enum(['admin', 'import']).default('admin'),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type StoredProxy = z.infer<typeof storedProxySchema>;

export const proxyDocSchema = z.object({
  version: z.literal(1),
  proxies: z.array(storedProxySchema).default([]),
  /** accountId → proxyId: accounts the operator (or a `proxyURL@token` import) pinned. */
  pins: z.record(z.string(), z.string()).default({}),
  updatedAt: z.number().default(0),
});
export type ProxyDoc = z.infer<typeof proxyDocSchema>;

export function emptyProxyDoc(): ProxyDoc {
  return { version: 1, proxies: [], pins: {}, updatedAt: 0 };
}

/** Parses a stored document; an unreadable one is reported, never silently replaced. */
export function parseProxyDoc(text: string | undefined): ProxyDoc {
  if (text === undefined) return emptyProxyDoc();
  const parsed = proxyDocSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`stored proxy list (${PROXY_DOC_KEY}) is invalid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  return parsed.data;
}
