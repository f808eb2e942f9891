// Quota syncs (/rest/rate-limits) leave through the account's proxy like its chats do, and their
// network failures count against that proxy.
import { classifyTransportError, type GrokClient, type RateLimitWindow } from '../grok/index.js';
import type { EgressSelector } from './egress-service.js';

const NONE: ReadonlySet<string> = new Set();

export function routedRateLimits(
  client: Pick<GrokClient, 'rateLimits'>,
  egress: () => EgressSelector | undefined,
  accountIdOf: (token: string) => string,
): { rateLimits(token: string, mode: string): Promise<RateLimitWindow | null> } {
  return {
    rateLimits: async (token, mode) => {
      const e = egress();
      const route = e?.routeFor(accountIdOf(token), NONE);
      try {
        const r = await client.rateLimits(token, mode, { route });
        if (route) e?.report(route);
        return r;
      } catch (err) {
        if (route) e?.report(route, classifyTransportError(err));
        throw err;
      }
    },
  };
}
