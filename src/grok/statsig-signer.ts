// `signer` mode of x-statsig-id (docs/grok-protocol.md, "x-statsig-id": page meta, signer call).
// Opt-in only: nothing is called unless the operator set grok.statsig_signer_url. The page's
// `<meta name="grok-site-verification" content="...">` is read from BASE/index (BASE/ when that is
// a 404 without it), then `POST <signer> {"method","path","environment":{"metaContent"}}` answers
// `{"x-statsig-id": "<base64>"}`, which must decode to 70 bytes. A failed signing re-reads the
// meta and tries once more.
import { request, type Dispatcher } from 'undici';
import { ACCEPT_ENCODING, decodeContent } from './content-encoding.js';
import type { GrokHeaders } from './headers.js';
import { readLimitedText } from './read-limited-text.js';
import { decodeStatsig, type StatsigSigner } from './statsig.js';

export interface StatsigSignerOptions {
  baseUrl: string;
  /** Read live: the operator may change it in the console. */
  signerUrl: () => string;
  headers: GrokHeaders;
  /** An account's SSO token for the page fetch (undefined = the page is fetched without a cookie). */
  token: () => string | undefined;
  dispatcher?: Dispatcher | undefined;
  metaTimeoutMs?: number | undefined;
  signTimeoutMs?: number | undefined;
}

const META_LIMIT = 4 * 1024 * 1024;
const SIGN_LIMIT = 4 * 1024;
const META_RE = /<meta\b[^>]*>/gi;

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The content of the first `grok-site-verification` meta tag (name compared lower-case, Unicode dashes folded). */
export function findSiteVerification(html: string): string | undefined {
  for (const tag of html.match(META_RE) ?? []) {
    const name = /\bname\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1];
    if (name === undefined) continue;
    const folded = name.toLowerCase().replace(/[\u2010-\u2015\u2212]/g, '-');
    if (folded !== 'grok-site-verification') continue;
    const content = /\bcontent\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1];
    if (content !== undefined && content !== '') return content;
  }
  return undefined;
}

export function createStatsigSigner(opts: StatsigSignerOptions): StatsigSigner {
  const base = opts.baseUrl.replace(/\/+$/, '');

  const page = async (path: string): Promise<{ status: number; html: string }> => {
    const token = opts.token();
    const headers: Record<string, string> = {
      Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'Accept-Encoding': ACCEPT_ENCODING,
      'Accept-Language': opts.headers.acceptLanguage,
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
      'Sec-Fetch-Dest': 'document',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Site': 'same-origin',
      'Upgrade-Insecure-Requests': '1',
      'User-Agent': opts.headers.userAgent,
    };
    if (token !== undefined) headers.Cookie = opts.headers.cookie(token);
    const res = await request(base + path, {
      method: 'GET',
      headers,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      headersTimeout: opts.metaTimeoutMs ?? 15_000,
      bodyTimeout: opts.metaTimeoutMs ?? 15_000,
    });
    const html = await readLimitedText(decodeContent(res.body, headerValue(res.headers['content-encoding'])), META_LIMIT);
    return { status: res.statusCode, html };
  };

  const meta = async (): Promise<string> => {
    const index = await page('/index');
    if (index.status >= 200 && index.status < 300) {
      const m = findSiteVerification(index.html);
      if (m === undefined) throw new Error('statsig signer: BASE/index has no grok-site-verification meta');
      return m;
    }
    if (index.status !== 404) throw new Error(`statsig signer: BASE/index answered ${index.status}`);
    const in404 = findSiteVerification(index.html);
    if (in404 !== undefined) return in404;
    const root = await page('/');
    const m = root.status >= 200 && root.status < 300 ? findSiteVerification(root.html) : undefined;
    if (m === undefined) throw new Error(`statsig signer: no grok-site-verification meta on BASE/ (status ${root.status})`);
    return m;
  };

  const sign = async (method: string, path: string, metaContent: string): Promise<string> => {
    const url = opts.signerUrl();
    const res = await request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method, path, environment: { metaContent } }),
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      headersTimeout: opts.signTimeoutMs ?? 12_000,
      // undici's request() follows no redirects: a signer that redirects fails here.
      bodyTimeout: opts.signTimeoutMs ?? 12_000,
    });
    const text = await readLimitedText(decodeContent(res.body, headerValue(res.headers['content-encoding'])), SIGN_LIMIT);
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`statsig signer answered ${res.statusCode}`);
    let value: unknown;
    try {
      value = (JSON.parse(text) as Record<string, unknown>)['x-statsig-id'];
    } catch {
      throw new Error('statsig signer answered with a body that is not JSON');
    }
    if (typeof value !== 'string' || decodeStatsig(value)?.length !== 70) {
      throw new Error('statsig signer answered without a value that decodes to 70 bytes');
    }
    return value;
  };

  return async (method, path) => {
    const first = await meta();
    try {
      return await sign(method, path, first);
    } catch {
      // The meta may have rotated: read it again and sign once more.
      return sign(method, path, await meta());
    }
  };
}
