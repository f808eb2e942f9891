// Quota syncs (/rest/rate-limits, /rest/media/imagine/quota_info) leave through the account's proxy
// like its chats do, and their network failures count against that proxy.
import { classifyTransportError, type GrokClient, type GrokRoute, type MediaQuotaSnapshot, type RateLimitWindow } from '../grok/index.js';
import type { EgressSelector } from './egress-types.js';

const NONE: ReadonlySet<string> = new Set();

export function routedRateLimits(
  client: Pick<GrokClient, 'rateLimits'> & Partial<Pick<GrokClient, 'quotaInfo'>>,
  egress: () => EgressSelector | undefined,
  accountIdOf: (token: string) => string,
): { rateLimits(token: string, mode: string): Promise<RateLimitWindow | null>; quotaInfo?(token: string): Promise<MediaQuotaSnapshot | null> } {
  const routed = async <T>(token: string, call: (route: GrokRoute | undefined) => Promise<T>): Promise<T> => {
    const e = egress();
    const route = e?.routeFor(accountIdOf(token), NONE);
    try {
      const r = await call(route);
      if (route) e?.report(route);
      return r;
    } catch (err) {
      if (route) e?.report(route, classifyTransportError(err));
      throw err;
    }
  };
  const quotaInfo = client.quotaInfo?.bind(client);
  return {
    rateLimits: (token, mode) => routed(token, (route) => client.rateLimits(token, mode, { route })),
    ...(quotaInfo ? { quotaInfo: (token: string) => routed(token, (route) => quotaInfo(token, { route })) } : {}),
  };
}
