// What the account side needs from the egress layer, owned here so accounts never import egress:
// `proxyURL@token` imports pin their account to that proxy, and the account's own upstream calls
// (quota syncs) leave through its route like its chats do, their outcome counting for that proxy.
// The egress service implements it; the app root attaches it once (AccountService.attachEgress),
// since the egress service itself is built on the accounts (ProxyBindings).
import type { GrokRoute, MediaQuotaSnapshot } from '../grok/index.js';
import { accountIdFor } from './account-id.js';
import type { RateLimitsClient } from './quota-sync.js';

export interface AccountEgress {
  /** Pins the account to the proxy at `proxyUrl` (added when unknown). */
  pinAccount(accountId: string, proxyUrl: string): void;
  /** Runs one call of the account's through its route and reports the outcome. */
  throughRoute<T>(accountId: string, call: (route: GrokRoute) => Promise<T>): Promise<T>;
}

/** The quota calls as GrokClient offers them: each may name the route it leaves through. */
export interface RoutableQuotaClient {
  rateLimits(token: string, mode: string, opts?: { route?: GrokRoute | undefined }): ReturnType<RateLimitsClient['rateLimits']>;
  quotaInfo?(token: string, opts?: { route?: GrokRoute | undefined }): Promise<MediaQuotaSnapshot | null>;
}

/** The syncer's client: through the account's route once an egress is attached, direct before. */
export function routedQuotaClient(client: RoutableQuotaClient, egress: () => AccountEgress | undefined): RateLimitsClient {
  const routed = <T>(token: string, call: (route: GrokRoute | undefined) => Promise<T>): Promise<T> => {
    const e = egress();
    return e ? e.throughRoute(accountIdFor(token), call) : call(undefined);
  };
  const quotaInfo = client.quotaInfo?.bind(client);
  return {
    rateLimits: (token, mode) => routed(token, (route) => client.rateLimits(token, mode, { route })),
    ...(quotaInfo ? { quotaInfo: (token: string) => routed(token, (route) => quotaInfo(token, { route })) } : {}),
  };
}
