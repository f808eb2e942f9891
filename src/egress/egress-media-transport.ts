// Media traffic through the egress: uploads and media posts leave through the account's proxy
// (uploads on a fresh connection), asset downloads through the asset pool (proxy.asset_urls, else
// the account's proxy). Plugs into GrokMediaClient's MediaTransport (shared/fresh) plus `assets`.
import type { Dispatcher } from 'undici';
import type { GrokHeaders, Transport } from '../grok/index.js';
import type { EgressService } from './egress-service.js';

export interface EgressMediaTransport {
  /** Keep-alive dispatcher of the account's proxy (media posts). */
  shared(token: string): Dispatcher;
  /** New one-connection dispatcher of the account's proxy (uploads); destroyed by the caller. */
  fresh(token: string): Dispatcher;
  /** Dispatcher for asset downloads (asset pool first). */
  assets(token: string): Dispatcher;
  /** The clearance headers of the account's egress (undefined = the defaults), e.g. for the imagine WebSocket. */
  headers(token: string): GrokHeaders | undefined;
  /** http.Agent for the account's WebSocket handshakes (undefined = direct). */
  webSocketAgent(token: string): ReturnType<Transport['webSocketAgent']>;
}

const NONE: ReadonlySet<string> = new Set();

export function egressMediaTransport(egress: EgressService, direct: Transport, accountIdOf: (token: string) => string): EgressMediaTransport {
  const transportFor = (token: string): Transport => egress.routeFor(accountIdOf(token), NONE).transport ?? direct;
  return {
    shared: (token) => transportFor(token).dispatcher(),
    fresh: (token) => transportFor(token).freshDispatcher(),
    assets: (token) => egress.dispatcherForAssets(accountIdOf(token)).dispatcher,
    headers: (token) => egress.routeFor(accountIdOf(token), NONE).headers,
    webSocketAgent: (token) => egress.routeFor(accountIdOf(token), NONE).transport?.webSocketAgent(),
  };
}
