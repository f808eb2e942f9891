// Fetches URLs that clients gave us (image_url parts, reference images, video callbacks) without
// letting them reach the gateway's own network: the host is resolved first and every address is
// checked (address-policy.ts); the connection then goes to exactly the checked address (a pinned
// lookup), so a DNS answer that changes between check and connect (rebinding) cannot slip through.
// Redirects are followed by hand, each hop checked again. Body size and total time are capped.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { blockedAddressReason } from './address-policy.js';

export interface SafeFetchOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  timeoutMs: number;
  /** Skip the address check (media.allow_private_urls). */
  allowPrivate: boolean;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Redirects followed (GET only). Default 5. */
  maxRedirects?: number;
  signal?: AbortSignal | undefined;
}

export interface SafeFetchResult {
  status: number;
  bytes: Buffer;
  contentType: string | undefined;
  /** The URL that answered (after redirects). */
  url: string;
}

/** The URL itself is not acceptable (scheme, or an address the policy refuses). */
export class UrlRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlRefusedError';
  }
}

/** The fetch failed: network error, timeout, a non-2xx answer (GET), or a body over the cap. */
export class FetchFailedError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FetchFailedError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefusedError('not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UrlRefusedError(`scheme ${url.protocol} is not allowed (http or https only)`);
  if (url.username !== '' || url.password !== '') throw new UrlRefusedError('URLs with credentials are not allowed');
  return url;
}

/** Resolves the URL's host and checks every address; returns the one to connect to. */
export async function resolvePublicAddress(url: URL, allowPrivate: boolean): Promise<LookupAddress> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: LookupAddress[];
  const literal = isIP(host);
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch (err) {
      throw new FetchFailedError(`cannot resolve host ${host}: ${(err as { code?: string }).code ?? String(err)}`);
    }
  }
  const first = addresses[0];
  if (!first) throw new FetchFailedError(`cannot resolve host ${host}`);
  if (!allowPrivate) {
    for (const a of addresses) {
      const why = blockedAddressReason(a.address);
      if (why !== undefined) {
        throw new UrlRefusedError(
          `${host} resolves to a ${why} address (${a.address}); the gateway only fetches public addresses (media.allow_private_urls)`,
        );
      }
    }
  }
  return first;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A one-request dispatcher whose every connection goes to `pinned`, whatever DNS says now. */
function pinnedAgent(pinned: LookupAddress, timeoutMs: number): Agent {
  const lookup = (_host: string, options: { all?: boolean }, cb: LookupCallback): void => {
    if (options.all) cb(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  return new Agent({ connect: { timeout: timeoutMs, lookup }, connections: 1, pipelining: 0 });
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > maxBytes) {
      body.destroy();
      throw new FetchFailedError(`the body is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (media.max_download_mb)`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export async function safeFetch(rawUrl: string, opts: SafeFetchOptions): Promise<SafeFetchResult> {
  // A timer we clear ourselves (an AbortSignal.timeout firing after the answer was dropped would
  // abort a request that is already over, as an unhandled error).
  const timer = new AbortController();
  const t = setTimeout(() => timer.abort(new Error('timed out')), opts.timeoutMs);
  try {
    return await fetchHops(rawUrl, opts, timer.signal);
  } finally {
    clearTimeout(t);
  }
}

async function fetchHops(rawUrl: string, opts: SafeFetchOptions, timeout: AbortSignal): Promise<SafeFetchResult> {
  const method = opts.method ?? 'GET';
  const maxRedirects = method === 'GET' ? (opts.maxRedirects ?? 5) : 0;
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let url = parseUrl(rawUrl);
  for (let hop = 0; ; hop++) {
    const pinned = await resolvePublicAddress(url, opts.allowPrivate);
    const agent = pinnedAgent(pinned, opts.timeoutMs);
    try {
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method,
          dispatcher: agent,
          signal,
          headers: opts.headers,
          body: opts.body,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        });
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (timeout.aborted) throw new FetchFailedError(`no answer within ${Math.round(opts.timeoutMs / 1000)}s`);
        throw new FetchFailedError(`network error: ${(err as { code?: string }).code ?? (err as Error).message}`);
      }
      res.body.on('error', () => undefined);
      const location = header(res.headers.location);
      if (REDIRECTS.has(res.statusCode) && location !== undefined && maxRedirects > 0) {
        res.body.destroy();
        if (hop >= maxRedirects) throw new FetchFailedError(`more than ${maxRedirects} redirects`);
        url = parseUrl(new URL(location, url).toString());
        continue;
      }
      if (method === 'GET' && (res.statusCode < 200 || res.statusCode > 299)) {
        res.body.destroy();
        throw new FetchFailedError(`the server answered HTTP ${res.statusCode}`, res.statusCode);
      }
      const declared = Number(header(res.headers['content-length']));
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.body.destroy();
        throw new FetchFailedError(`the body is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB (media.max_download_mb)`);
      }
      let bytes: Buffer;
      try {
        bytes = await readCapped(res.body, opts.maxBytes);
      } catch (err) {
        if (err instanceof FetchFailedError) throw err;
        if (opts.signal?.aborted) throw opts.signal.reason;
        throw new FetchFailedError(timeout.aborted ? `no complete answer within ${Math.round(opts.timeoutMs / 1000)}s` : `network error while reading: ${(err as Error).message}`);
      }
      return { status: res.statusCode, bytes, contentType: header(res.headers['content-type']), url: url.toString() };
    } finally {
      agent.destroy().catch(() => undefined);
    }
  }
}
