// Outbound proxy URLs: http(s) (CONNECT tunnel, or absolute-form for impit) and SOCKS 4/5.
// Credentials may be in the URL (`scheme://user:pass@host:port`); they never reach a log whole.

export const PROXY_SCHEMES = ['http', 'https', 'socks4', 'socks4a', 'socks5', 'socks5h'] as const;
export type ProxyScheme = (typeof PROXY_SCHEMES)[number];

export interface ProxyUrl {
  scheme: ProxyScheme;
  host: string;
  port: number;
  /** Decoded user name ('' when none). */
  username: string;
  /** Decoded password ('' when none). */
  password: string;
  /** Canonical URL (lower-case scheme and host, explicit port, no path): the identity of the proxy. */
  href: string;
}

export class ProxyUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyUrlError';
  }
}

const DEFAULT_PORTS: Record<ProxyScheme, number> = { http: 80, https: 443, socks4: 1080, socks4a: 1080, socks5: 1080, socks5h: 1080 };

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses and canonicalises a proxy URL; throws ProxyUrlError (message never contains the password). */
export function parseProxyUrl(raw: string): ProxyUrl {
  const text = raw.trim();
  const m = /^([a-z][a-z0-9]*):\/\//i.exec(text);
  if (!m) throw new ProxyUrlError('expected scheme://host:port (http, https, socks4, socks5 or socks5h)');
  const scheme = (m[1] ?? '').toLowerCase();
  if (!(PROXY_SCHEMES as readonly string[]).includes(scheme)) {
    throw new ProxyUrlError(`unsupported proxy scheme "${scheme}" (http, https, socks4, socks5 or socks5h)`);
  }
  let u: URL;
  try {
    // WHATWG URL treats unknown schemes as opaque-ish; parse as http to get host/port/userinfo.
    u = new URL(`http://${text.slice(m[0].length)}`);
  } catch {
    throw new ProxyUrlError('not a valid URL');
  }
  if (!u.hostname) throw new ProxyUrlError('missing host');
  if (u.pathname !== '/' && u.pathname !== '') throw new ProxyUrlError('a proxy URL has no path');
  if (u.search || u.hash) throw new ProxyUrlError('a proxy URL has no query or fragment');
  const s = scheme as ProxyScheme;
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[s];
  const host = u.hostname.toLowerCase();
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return {
    scheme: s,
    host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host,
    port,
    username: decode(u.username),
    password: decode(u.password),
    href: `${s}://${auth}${host}:${port}`,
  };
}

/** `scheme://user:****@host:port` (password hidden; user names are shown, they identify the plan). */
export function maskProxyUrl(url: string): string {
  try {
    const p = parseProxyUrl(url);
    const user = p.username ? `${encodeURIComponent(p.username)}${p.password ? ':****' : ''}@` : '';
    const host = p.host.includes(':') ? `[${p.host}]` : p.host;
    return `${p.scheme}://${user}${host}:${p.port}`;
  } catch {
    // Unparsable: show the scheme only, never a fragment that might hold the password.
    const m = /^([a-z][a-z0-9+.-]*:\/\/)/i.exec(url.trim());
    return `${m?.[1] ?? ''}****`;
  }
}

export function isSocks(p: ProxyUrl): boolean {
  return p.scheme.startsWith('socks');
}
