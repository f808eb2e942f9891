// Header sets of the mgw era that differ from the REST ones (docs/grok-protocol.md "transport,
// cookies and header sets"): the session lookup and the mgw WebSocket handshake. Both start from
// the route's GrokHeaders (its User-Agent, Accept-Language and clearance cookie belong to that
// egress) and keep only what the web app sends.
import { clientHintHeaders, type GrokHeaders } from '../headers.js';
import { ACCEPT_ENCODING } from '../content-encoding.js';

/** C0 control characters or DEL (never valid in a URL or a cookie value). */
function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const CF_COOKIES = new Set(['cf_clearance', '__cf_bm', '_cfuvid']);
const MAX_CF_VALUE = 16 * 1024;

/**
 * `sso=<t>; sso-rw=<t>` then only the allow-listed Cloudflare cookies (cf_clearance, __cf_bm,
 * _cfuvid, cf_chl_*; lower-cased names, first occurrence wins): device and identity cookies an
 * operator may have pasted never travel.
 */
export function mgwCookie(cookieHeader: string): string {
  const parts = cookieHeader.split(';');
  const out: string[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 'sso' || name === 'sso-rw') {
      if (!seen.has(name)) out.push(`${name}=${value}`);
      seen.add(name);
      continue;
    }
    const lower = name.toLowerCase();
    if (!CF_COOKIES.has(lower) && !lower.startsWith('cf_chl_')) continue;
    if (seen.has(lower) || value.length > MAX_CF_VALUE || hasControlChars(value)) continue;
    seen.add(lower);
    out.push(`${lower}=${value}`);
  }
  return out.join('; ');
}

/** Handshake of `/ws/mgw/`: Origin, UA, language, no-cache, the cookie with `x-userid` last. No hints, no statsig. */
export function mgwHandshakeHeaders(headers: GrokHeaders, token: string, userId: string): Record<string, string> {
  const ws = headers.ws(token);
  return {
    Origin: ws.Origin ?? '',
    'User-Agent': headers.userAgent,
    'Accept-Language': headers.acceptLanguage,
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    Cookie: `${mgwCookie(ws.Cookie ?? '')}; x-userid=${userId}`,
  };
}

/** GET /api/auth/session: browser fetch headers with client hints; no Origin, request id or statsig. */
export function sessionLookupHeaders(headers: GrokHeaders, token: string, baseUrl: string): Record<string, string> {
  const ws = headers.ws(token);
  return {
    Accept: '*/*',
    'Accept-Encoding': ACCEPT_ENCODING,
    'Accept-Language': headers.acceptLanguage,
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    Priority: 'u=1, i',
    Referer: `${new URL(baseUrl).origin}/`,
    'Sec-Fetch-Dest': 'empty',
    'Sec-Fetch-Mode': 'cors',
    'Sec-Fetch-Site': 'same-origin',
    'User-Agent': headers.userAgent,
    ...clientHintHeaders(headers.userAgent),
    Cookie: mgwCookie(ws.Cookie ?? ''),
  };
}
