// The absolute base of links to cached media: app.app_url when set, else this request's own
// scheme and Host (X-Forwarded-* only count from a proxy listed in server.trust_proxy, as Fastify
// applies it). Those come from the client, so they are accepted only when they are plainly an
// http(s) scheme and a host[:port]: `X-Forwarded-Proto: javascript` or a Host with quotes and
// markup must not end up in a link a client renders. Anything else falls back to the address this
// request came in on, which is always a valid (if not public) base.
import type { FastifyRequest } from 'fastify';

// A DNS name or IPv4 address (letters, digits, hyphens, dots), or a bracketed IPv6 address; then an
// optional port. No userinfo, spaces, quotes, markup or path.
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

/** Whether `host` is a plain host[:port] with a port in range. */
export function isPlainHost(host: string): boolean {
  if (host.length > 260) return false;
  const m = HOST_RE.exec(host);
  if (!m) return false;
  return m[1] === undefined || (Number(m[1]) >= 1 && Number(m[1]) <= 65535);
}

/** The address this request arrived on, as a base URL (the listening address as the client reached it). */
function localBase(request: FastifyRequest): string {
  const s = request.raw.socket;
  const addr = s.localAddress ?? '127.0.0.1';
  const host = addr.includes(':') ? `[${addr}]` : addr;
  return `${'encrypted' in s && s.encrypted === true ? 'https' : 'http'}://${host}:${s.localPort ?? 0}`;
}

/** The request's own base (scheme and host, else the listening address): mediaBaseUrl without app.app_url. */
export function requestBaseUrl(request: FastifyRequest): string {
  return mediaBaseUrl('', request);
}

export function mediaBaseUrl(appUrl: string, request: FastifyRequest): string {
  if (appUrl !== '') return appUrl.replace(/\/+$/, '');
  const protocol = request.protocol;
  const host = request.host;
  if ((protocol === 'http' || protocol === 'https') && isPlainHost(host)) return `${protocol}://${host}`;
  return localBase(request);
}
