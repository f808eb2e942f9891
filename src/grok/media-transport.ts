// Where media traffic (uploads, asset downloads, the imagine WebSocket) leaves. A call
// made inside a retry attempt names that attempt's route (GrokRoute); without one, the client asks
// its MediaTransport, per token (= per account). Each answer pairs the connection with the
// clearance headers that belong to it: cf_clearance and its User-Agent only work from the IP that
// obtained them, so a proxy's connection never carries another egress's clearance.
// The interface lives here because the media clients speak it; its implementations (the direct
// one, the proxied one) live in src/egress/.
import type { Agent as HttpAgent } from 'node:http';
import type { Dispatcher } from 'undici';
import type { GrokRoute } from './chat-client.js';
import type { GrokUpstreamError } from './errors.js';
import type { GrokHeaders } from './headers.js';

/** One media call's way out. */
export interface MediaEgress {
  dispatcher: Dispatcher;
  /** That egress's clearance profile; undefined = the client's defaults (direct: grok.cf_clearance). */
  headers: GrokHeaders | undefined;
  /**
   * Set when the egress is not the caller's route (an asset proxy): the client reports the call's
   * outcome here, since the caller would otherwise blame (or credit) its own route for it.
   */
  report?: ((error?: GrokUpstreamError) => void) | undefined;
}

/** A WebSocket handshake's way out: an http.Agent (undefined = direct) and the headers that go with it. */
export interface WebSocketEgress {
  agent: HttpAgent | undefined;
  headers: GrokHeaders | undefined;
}

export interface MediaTransport {
  /** Keep-alive egress of the account (asset downloads without an asset pool). Its dispatcher is never closed by the client. */
  shared(token: string): MediaEgress;
  /** A new dispatcher for exactly one request (uploads); the client destroys it right after. */
  fresh(token: string): MediaEgress;
  /** Asset downloads: the asset pool when there is one, else `fallback` (the call's route), else the account's egress. */
  assets(token: string, fallback?: GrokRoute): MediaEgress;
  /** The imagine WebSocket's handshake. */
  webSocket(token: string): WebSocketEgress;
}

/**
 * The egress of a call that names a route with a transport (a proxy): that transport's connections
 * with that route's headers. undefined = use the MediaTransport (the route is direct or absent).
 */
export function routeEgress(route: GrokRoute | undefined, fresh: boolean): MediaEgress | undefined {
  const t = route?.transport;
  if (!t) return undefined;
  return { dispatcher: fresh ? t.freshDispatcher() : t.dispatcher(), headers: route.headers };
}
