// Headers for downloading from the asset host (docs/grok-protocol.md, "Asset download"): the
// requests imitate a browser navigation, with the account's cookie, and Accept by media kind. No
// `x-statsig-id` and no client hints: the current web app sends neither on downloads.
import { randomUUID } from 'node:crypto';
import { ACCEPT_ENCODING } from './content-encoding.js';
import type { GrokHeaders } from './headers.js';

export type AssetKind = 'image' | 'video' | 'other';

const ACCEPT: Record<AssetKind, string> = {
  image: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  video: 'video/mp4,video/*,*/*;q=0.8',
  other: '*/*',
};

export class AssetHeaders {
  private readonly referer: string;

  /** `cookies`: the egress's header set (its cookie with cf_clearance, and its User-Agent). */
  constructor(
    private readonly cookies: GrokHeaders,
    assetsUrl: string,
  ) {
    this.referer = `${new URL(assetsUrl).origin}/`;
  }

  /** `withCookie` false for hosts that are not Grok's (the SSO cookie never leaves Grok). */
  get(token: string, kind: AssetKind, withCookie: boolean): Record<string, string> {
    const h: Record<string, string> = {
      Accept: ACCEPT[kind],
      'Accept-Encoding': ACCEPT_ENCODING,
      'Accept-Language': this.cookies.acceptLanguage,
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
      Priority: 'u=0, i',
      Referer: this.referer,
      'Sec-Fetch-Dest': 'document',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Site': 'none',
      'Sec-Fetch-User': '?1',
      'Upgrade-Insecure-Requests': '1',
      'User-Agent': this.cookies.userAgent,
      'x-xai-request-id': randomUUID(),
    };
    if (withCookie) h.Cookie = this.cookies.cookie(token);
    return h;
  }
}
