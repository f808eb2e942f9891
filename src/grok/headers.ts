// Request headers for grok.com (docs/grok-protocol.md, "Header sets"): the base + app set of REST
// calls, the SSO cookie and the WebSocket handshake. The current web app sends no Sentry `baggage`
// and no `Sec-Ch-Ua*` client hints on REST calls, and `x-statsig-id` only where the caller passes
// one (quota, media and settings POSTs; never uploads, WebSockets or downloads). Static parts are
// computed once per option set.
import { randomUUID } from 'node:crypto';
import { ACCEPT_ENCODING } from './content-encoding.js';

export interface GrokHeaderOptions {
  /** e.g. `https://grok.com` (no trailing slash needed). */
  baseUrl: string;
  userAgent: string;
  acceptLanguage: string;
  /** Cloudflare clearance cookie value; only valid with the User-Agent (and IP) that solved it. */
  cfClearance?: string | undefined;
  /** A full Cloudflare cookie string (`a=b; c=d`), e.g. from FlareSolverr. */
  cfCookies?: string | undefined;
}

export interface RestHeaderExtras {
  /** Defaults to `<baseUrl>/`. */
  referer?: string | undefined;
  /** `x-xai-request-id`; a fresh UUID when absent. */
  requestId?: string | undefined;
  /** Defaults to `application/json`. */
  contentType?: string | undefined;
  /** `x-statsig-id` to send; absent = none (uploads, downloads, WebSockets never carry one). */
  statsig?: string | undefined;
  /** Leave out `x-xai-request-id` (uploads v2 do not send it). */
  noRequestId?: boolean | undefined;
}

/**
 * The raw SSO value: whitespace removed, an `sso=` prefix (and anything after a `;`) dropped,
 * characters outside printable Latin-1 removed.
 */
export function normalizeSsoToken(raw: string): string {
  let t = raw.replace(/\s+/g, '');
  if (t.startsWith('sso=')) t = t.slice(4);
  const semi = t.indexOf(';');
  if (semi !== -1) t = t.slice(0, semi);
  return latin1(t);
}

/** Keeps printable Latin-1 only (undici rejects header values with other characters). */
function latin1(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c > 0xff) return stripNonLatin1(s);
  }
  return s;
}

function stripNonLatin1(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f && c <= 0xff) out += s.charAt(i);
  }
  return out;
}

/**
 * The Cloudflare part of the cookie: `cfCookies` without any sso/sso-rw pair, with `cf_clearance`
 * replaced by (or extended with) `cfClearance` when given. Empty string when there is nothing.
 */
export function buildCfCookieSuffix(cfClearance: string | undefined, cfCookies: string | undefined): string {
  const clearance = cfClearance === undefined ? '' : latin1(cfClearance.trim());
  const pairs: string[] = [];
  let clearanceSeen = false;
  if (cfCookies !== undefined) {
    for (const part of cfCookies.split(';')) {
      const pair = latin1(part.trim());
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
      if (name === 'sso' || name === 'sso-rw') continue;
      if (name === 'cf_clearance') {
        if (clearanceSeen) continue;
        clearanceSeen = true;
        pairs.push(clearance.length > 0 ? `cf_clearance=${clearance}` : pair);
        continue;
      }
      pairs.push(pair);
    }
  }
  if (!clearanceSeen && clearance.length > 0) pairs.push(`cf_clearance=${clearance}`);
  return pairs.join('; ');
}

/** `sso=<t>; sso-rw=<t>` then `; <cloudflare cookies>` when configured (docs/grok-protocol.md §2.2, §20.3). */
export function buildCookieHeader(token: string, cf: { cfClearance?: string | undefined; cfCookies?: string | undefined } = {}): string {
  const t = normalizeSsoToken(token);
  const suffix = buildCfCookieSuffix(cf.cfClearance, cf.cfCookies);
  return suffix.length > 0 ? `sso=${t}; sso-rw=${t}; ${suffix}` : `sso=${t}; sso-rw=${t}`;
}

/**
 * Client hints matching the User-Agent. Empty for non-Chromium browsers, which do not send them.
 * The web app sends them only on the session lookup and the ToS call, never on ordinary REST calls.
 */
export function clientHintHeaders(userAgent: string): Record<string, string> {
  const edge = majorVersion(userAgent, 'Edg/');
  const chrome = majorVersion(userAgent, 'Chrome/');
  if (chrome === undefined || userAgent.includes('Firefox/')) return {};
  const brand = edge === undefined ? `"Google Chrome";v="${chrome}"` : `"Microsoft Edge";v="${edge}"`;
  let platform: string;
  let arch: string;
  if (userAgent.includes('Android')) {
    platform = 'Android';
    arch = '';
  } else if (userAgent.includes('Windows')) {
    platform = 'Windows';
    arch = 'x86';
  } else if (userAgent.includes('Macintosh') || userAgent.includes('Mac OS X')) {
    platform = 'macOS';
    arch = 'arm';
  } else if (userAgent.includes('CrOS')) {
    platform = 'Chrome OS';
    arch = 'x86';
  } else {
    platform = 'Linux';
    arch = 'x86';
  }
  return {
    'Sec-Ch-Ua': `${brand}, "Chromium";v="${chrome}", "Not(A:Brand";v="24"`,
    'Sec-Ch-Ua-Mobile': userAgent.includes('Mobile') ? '?1' : '?0',
    'Sec-Ch-Ua-Platform': `"${platform}"`,
    'Sec-Ch-Ua-Arch': `"${arch}"`,
    'Sec-Ch-Ua-Bitness': '"64"',
    'Sec-Ch-Ua-Model': '""',
  };
}

function majorVersion(ua: string, marker: string): string | undefined {
  const at = ua.indexOf(marker);
  if (at === -1) return undefined;
  let end = at + marker.length;
  while (end < ua.length) {
    const c = ua.charCodeAt(end);
    if (c < 0x30 || c > 0x39) break;
    end++;
  }
  return end > at + marker.length ? ua.slice(at + marker.length, end) : undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** Precomputed header builder for one option set (one per client). */
export class GrokHeaders {
  private readonly origin: string;
  private readonly originHost: string;
  private readonly defaultReferer: string;
  private readonly cfSuffix: string;
  /** The User-Agent these headers send (asset downloads reuse it: it belongs to the clearance). */
  readonly userAgent: string;
  readonly acceptLanguage: string;

  constructor(opts: GrokHeaderOptions) {
    const base = new URL(opts.baseUrl);
    this.origin = base.origin;
    this.originHost = base.host;
    this.defaultReferer = `${base.origin}/`;
    this.cfSuffix = buildCfCookieSuffix(opts.cfClearance, opts.cfCookies);
    this.userAgent = latin1(opts.userAgent);
    this.acceptLanguage = latin1(opts.acceptLanguage);
  }

  /** Cookie strings per token: a pool reuses a few tokens for thousands of calls. */
  private readonly cookies = new Map<string, string>();

  cookie(token: string): string {
    let c = this.cookies.get(token);
    if (c === undefined) {
      const t = normalizeSsoToken(token);
      c = this.cfSuffix.length > 0 ? `sso=${t}; sso-rw=${t}; ${this.cfSuffix}` : `sso=${t}; sso-rw=${t}`;
      if (this.cookies.size >= 10_000) this.cookies.clear();
      this.cookies.set(token, c);
    }
    return c;
  }

  /**
   * Headers for one grok.com REST call (base + app set); `x-xai-request-id` is fresh each time,
   * `x-statsig-id` only when the caller passes one.
   */
  rest(token: string, extras: RestHeaderExtras = {}): Record<string, string> {
    const referer = extras.referer ?? this.defaultReferer;
    const sameOrigin = referer === this.defaultReferer || hostOf(referer) === this.originHost;
    const h: Record<string, string> = {
      Accept: '*/*',
      'Accept-Encoding': ACCEPT_ENCODING,
      'Accept-Language': this.acceptLanguage,
      'Content-Type': extras.contentType ?? 'application/json',
      Origin: this.origin,
      Referer: referer,
      'User-Agent': this.userAgent,
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
      'Sec-Fetch-Dest': 'empty',
      'Sec-Fetch-Mode': 'cors',
      'Sec-Fetch-Site': sameOrigin ? 'same-origin' : 'same-site',
      Priority: 'u=1, i',
      Cookie: this.cookie(token),
    };
    if (extras.statsig !== undefined) h['x-statsig-id'] = extras.statsig;
    if (extras.noRequestId !== true) h['x-xai-request-id'] = extras.requestId ?? randomUUID();
    return h;
  }

  /** WebSocket handshake headers (imagine): no statsig, no request id, no client hints. */
  ws(token: string): Record<string, string> {
    return {
      Origin: this.origin,
      'User-Agent': this.userAgent,
      'Accept-Language': this.acceptLanguage,
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
      Cookie: this.cookie(token),
    };
  }
}

/** One-off REST headers (prefer a long-lived `GrokHeaders` on hot paths). */
export function buildRestHeaders(token: string, opts: GrokHeaderOptions, extras: RestHeaderExtras = {}): Record<string, string> {
  return new GrokHeaders(opts).rest(token, extras);
}

/** One-off WebSocket handshake headers. */
export function buildWsHeaders(token: string, opts: GrokHeaderOptions): Record<string, string> {
  return new GrokHeaders(opts).ws(token);
}
