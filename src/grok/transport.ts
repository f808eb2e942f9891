// One interface for "send this HTTP request upstream and stream the answer back", whatever carries
// it: undici (direct, http(s) proxy, SOCKS) or a browser-impersonating client (impit). GrokClient
// and the egress layer only ever talk to this. The implementations live in src/egress/ (grok
// defines the interface it speaks, so it never imports the egress layer).
import type { Agent as HttpAgent } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { AbortLike } from './cancellation.js';

export type TransportKind = 'undici' | 'impit';
export type TransportMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';

export interface TransportRequest {
  method: TransportMethod;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** A real AbortSignal or the chat path's cheaper Cancellation. */
  signal?: AbortLike | undefined;
  /** Time allowed for the response headers once the request is sent (0 / undefined = transport default). */
  headersTimeoutMs?: number | undefined;
  /** Longest silence allowed between body chunks (0 / undefined = none; chat streams use their own watchdog). */
  bodyIdleTimeoutMs?: number | undefined;
  /**
   * Use a connection of its own, never taken from or returned to the pool (uploads after a
   * failure, health probes): a broken or fingerprinted connection is never reused for it.
   */
  fresh?: boolean | undefined;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body. Must be read to the end or destroyed (destroying it aborts the request). */
  body: Readable;
  /** True when the transport already removed the Content-Encoding (impit); false = raw bytes (undici). */
  decoded: boolean;
}

export interface Transport {
  readonly kind: TransportKind;
  /** Safe for logs: `direct` or the masked proxy URL. */
  readonly label: string;
  /** Rejects with the transport's own error (classify it with classifyTransportError). */
  request(req: TransportRequest): Promise<TransportResponse>;
  /**
   * An http.Agent that reaches origins the same way (through the same proxy), for WebSocket
   * handshakes (`ws` `agent` option). undefined = connect directly.
   */
  webSocketAgent(): HttpAgent | undefined;
  /** An undici dispatcher for the same egress (asset downloads and other undici callers). */
  dispatcher(): Dispatcher;
  /** A new one-connection undici dispatcher for the same egress (uploads); the caller destroys it after its request. */
  freshDispatcher(): Dispatcher;
  /** Closes pooled connections (waits for requests in flight). */
  close(): Promise<void>;
}

/** Options shared by every transport implementation. */
export interface TransportOptions {
  /** Proxy URL (`http://`, `https://`, `socks4://`, `socks5://`, `socks5h://`); undefined = direct. */
  proxyUrl?: string | undefined;
  /** TCP + TLS (+ proxy handshake) time limit. */
  connectTimeoutMs: number;
  /** Default time allowed for response headers. */
  headersTimeoutMs: number;
  /** Total cap of one request, body included (impit needs one; undici streams are bounded by the caller). */
  requestTimeoutMs: number;
}
