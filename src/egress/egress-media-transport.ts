// Media traffic through the egress, for calls that name no route of their own (the media services
// pass their attempt's route; chat attachments and the like do not): uploads and media posts leave
// through the account's proxy (uploads on a fresh connection), asset downloads through the asset
// pool (proxy.asset_urls, else the call's route, else the account's proxy), the imagine WebSocket
// through a tunnel of the account's proxy. Each comes with that proxy's own clearance headers.
import type { GrokRoute, GrokUpstreamError, MediaEgress, MediaTransport, Transport, WebSocketEgress } from '../grok/index.js';
import type { EgressService } from './egress-service.js';

const NONE: ReadonlySet<string> = new Set();

/** `direct`: the transport used when the account's route is direct (no proxy configured). */
export function egressMediaTransport(egress: EgressService, direct: Transport, accountIdOf: (token: string) => string): MediaTransport {
  const routeOf = (token: string): GrokRoute => egress.routeFor(accountIdOf(token), NONE);
  const via = (route: GrokRoute, fresh: boolean): MediaEgress => {
    const t = route.transport ?? direct;
    return { dispatcher: fresh ? t.freshDispatcher() : t.dispatcher(), headers: route.headers };
  };
  return {
    shared: (token) => via(routeOf(token), false),
    fresh: (token) => via(routeOf(token), true),
    assets: (token, fallback) => {
      const a = egress.assetRoute(accountIdOf(token));
      if (!a) return via(fallback ?? routeOf(token), false);
      // Not the caller's route: its outcome is reported here, against the asset proxy.
      const report = (error?: GrokUpstreamError): void => {
        egress.report(a, error);
      };
      return { dispatcher: a.dispatcher, headers: a.headers, report };
    },
    webSocket: (token): WebSocketEgress => {
      const r = routeOf(token);
      return { agent: r.transport?.webSocketAgent(), headers: r.headers };
    },
  };
}
