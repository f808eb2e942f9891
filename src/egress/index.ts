// Public surface of src/egress/: outbound proxies, account binding, health, per-proxy transports.
export {
  EgressService,
  type AddProxiesResult,
  type AssetRoute,
  type BindResult,
  type EgressRoute,
  type EgressSelector,
  type EgressServiceOptions,
  type EgressSettings,
  type ProxyBindings,
  type ProxySource,
  type ProxyView,
  type RemoveProxiesResult,
} from './egress-service.js';
export { isEgressFailure } from './egress-failure.js';
export { parseProxyEntry, parseProxyLines, proxyIdFor, type ClearanceProfile, type ParsedProxyLines, type ProxyEntry } from './proxy-entry.js';
export { PROXY_DOC_KEY, type ProxyDoc, type ProxyPoolName, type StoredProxy } from './proxy-doc.js';
export type { ProbeResult } from './probe.js';
export { routedRateLimits } from './routed-rate-limits.js';
export { egressMediaTransport } from './egress-media-transport.js';
