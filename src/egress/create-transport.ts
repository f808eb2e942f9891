// Builds the transport network.transport names, for one egress (direct or one proxy).
import { ImpitTransport } from './impit-transport.js';
import type { Transport, TransportKind, TransportOptions } from '../grok/index.js';
import { UndiciTransport } from './undici-transport.js';

export interface CreateTransportOptions extends TransportOptions {
  kind: TransportKind;
  /** impit only: browser profile, "auto" = from userAgent. */
  impitBrowser?: string | undefined;
  /** impit only: the User-Agent the requests carry (picks the matching TLS fingerprint). */
  userAgent?: string | undefined;
}

/** Throws (ProxyUrlError, or impit's load error) when the egress cannot be built. */
export function createTransport(o: CreateTransportOptions): Transport {
  if (o.kind === 'impit') return new ImpitTransport({ ...o, browser: o.impitBrowser ?? 'auto', userAgent: o.userAgent ?? '' });
  return new UndiciTransport(o);
}
