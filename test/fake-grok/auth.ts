// The gate in front of every grok.com route (docs/grok-protocol.md §2.2, §12, §17.1): the SSO cookie,
// the x-statsig-id anti-bot header, and the canned error bodies the real site answers with.

import type { IncomingHttpHeaders } from 'node:http';

/** Parses a Cookie header; accepts `; ` and `;` separators. Later duplicates win. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The `sso` cookie value (undefined when absent or empty). */
export function ssoToken(headers: IncomingHttpHeaders): string | undefined {
  const v = parseCookies(headers.cookie).get('sso');
  return v === undefined || v === '' ? undefined : v;
}

export type AuthResult = { ok: true; token: string } | { ok: false; reason: 'missing' | 'mismatch' | 'unknown' };

/** Checks sso (and sso-rw, which must equal sso when present) against `isKnown`. */
export function checkSso(headers: IncomingHttpHeaders, isKnown: (token: string) => boolean): AuthResult {
  const cookies = parseCookies(headers.cookie);
  const sso = cookies.get('sso');
  if (sso === undefined || sso === '') return { ok: false, reason: 'missing' };
  const rw = cookies.get('sso-rw');
  if (rw !== undefined && rw !== sso) return { ok: false, reason: 'mismatch' };
  return isKnown(sso) ? { ok: true, token: sso } : { ok: false, reason: 'unknown' };
}

/** x-statsig-id must be present and look like base64 (standard or URL-safe, padding optional). */
export function statsigOk(headers: IncomingHttpHeaders): boolean {
  const raw = headers['x-statsig-id'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined) return false;
  const s = v.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return false;
  return s.replace(/=+$/, '').length % 4 !== 1;
}

/** A canned error answer: status, headers and body. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const HTML_TYPE = { 'content-type': 'text/html; charset=UTF-8' };

function jsonError(status: number, code: number, message: string, extra: Record<string, string> = {}): ErrorAnswer {
  return { status, headers: { ...JSON_TYPE, ...extra }, body: JSON.stringify({ error: { code, message, details: [] } }) };
}

/** Cloudflare's interstitial, which every client must classify as anti-bot, never as a dead account. */
export const CLOUDFLARE_HTML = [
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>',
  '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">',
  '<meta name="robots" content="noindex,nofollow"></head><body>',
  '<div class="main-wrapper" role="main"><div class="main-content">',
  '<h1 class="zone-name-title h1">grok.com</h1>',
  '<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>',
  '<noscript>Enable JavaScript and cookies to continue</noscript>',
  '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f00000000000000"></script>',
  '</div></div></body></html>',
].join('\n');

export function cloudflareChallenge(): ErrorAnswer {
  return { status: 403, headers: { ...HTML_TYPE, 'cf-mitigated': 'challenge', 'cache-control': 'no-cache' }, body: CLOUDFLARE_HTML };
}

export function sessionNotFound(): ErrorAnswer {
  return jsonError(401, 16, 'failed to look up session id: session not found');
}

function htmlPage(status: number, title: string): ErrorAnswer {
  return { status, headers: HTML_TYPE, body: `<!DOCTYPE html><html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>` };
}

/**
 * The body the simulator answers a scripted status with. 403 defaults to the Cloudflare page;
 * 429 always carries retry-after: 30; 502/503/504 default to a Cloudflare-style HTML page.
 */
export function errorFor(status: number, variant?: 'html' | 'blocked' | 'json' | 'safety'): ErrorAnswer {
  switch (status) {
    case 401:
      return variant === 'html' ? htmlPage(401, 'Unauthorized') : sessionNotFound();
    case 403:
      if (variant === 'blocked') return jsonError(403, 7, 'blocked-user: this account has been blocked');
      if (variant === 'json') return jsonError(403, 7, 'Request rejected by anti-bot rules.');
      if (variant === 'safety') return jsonError(403, 7, 'Content violates usage guidelines');
      return cloudflareChallenge();
    case 429:
      return variant === 'html'
        ? { ...htmlPage(429, 'Too Many Requests'), headers: { ...HTML_TYPE, 'retry-after': '30' } }
        : jsonError(429, 8, 'Too many requests', { 'retry-after': '30' });
    case 400:
      return jsonError(400, 3, 'invalid argument');
    case 404:
      return jsonError(404, 5, 'not found');
    case 500:
      return variant === 'html' ? htmlPage(500, 'Internal Server Error') : jsonError(500, 13, 'internal error');
    case 502:
    case 503:
    case 504:
      return variant === 'json' ? jsonError(status, 14, 'unavailable') : htmlPage(status, status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Gateway Timeout');
    default:
      return variant === 'html' ? htmlPage(status, 'Error') : jsonError(status, 2, `simulated status ${status}`);
  }
}
