// Public surface of src/egress/: outbound proxies, account binding, health, per-proxy transports.
export { EgressService, type EgressServiceOptions } from './egress-service.js';
export type {
  AddProxiesResult,
  AssetRoute,
  BindResult,
  EgressRoute,
  EgressSelector,
  EgressSettings,
  ProxyBindings,
  ProxySource,
  ProxyView,
  RemoveProxiesResult,
} from './egress-types.js';
export { isEgressFailure } from './egress-failure.js';
export { parseProxyEntry, parseProxyLines, proxyIdFor, type ClearanceProfile, type ParsedProxyLines, type ProxyEntry } from './proxy-entry.js';
export { PROXY_DOC_KEY, type ProxyDoc, type ProxyPoolName, type StoredProxy } from './proxy-doc.js';
export type { ProbeResult } from './probe.js';
export { egressMediaTransport } from './egress-media-transport.js';
// The transports every upstream call leaves through (direct or one proxy), built from network.transport.
export { UndiciTransport } from './undici-transport.js';
export { ImpitTransport, impitBrowserFor, loadImpit } from './impit-transport.js';
export { createTransport, type CreateTransportOptions } from './create-transport.js';
export { PROXY_SCHEMES, ProxyUrlError, isSocks, maskProxyUrl, parseProxyUrl, type ProxyScheme, type ProxyUrl } from './proxy-url.js';
export { ProxyTunnelError, TunnelAgent, openTunnel, socksConnector } from './proxy-tunnel.js';
export { DirectMediaTransport } from './direct-media-transport.js';
export { RouteAttempts, throughRoute } from './route-attempts.js';
