// Images Grok drew inside a chat model's answer (the user asked it to "draw a fox") end that
// answer as Markdown images `![image](url)`, one per final image, in order, deduplicated
// (docs/grok-protocol.md §5.6, step 5). Which images count is the assembler's rule: progress 100
// with a URL, never a moderated one. This module only makes the links, following media.format as
// an image model's chat answer does:
//  - "url": each image is fetched once with the account's cookie (§10) into the media cache and
//    linked from app.app_url, else from the request's own scheme and host;
//  - "upstream": Grok's asset URL, made absolute under ASSETS (§5.5.4; opening it needs the cookie);
//  - "b64_json": linked as with "url". An image model's chat answer inlines data: URIs, but a chat
//    model's answer comes back as history on the client's next turn, and megabytes of base64 would
//    then go to Grok as prompt text.
// Fetching needs the account's cookie, so it runs before the account is released.
import type { MediaFormat } from '../config/index.js';
import { toAbortSignal, type AbortLike } from '../grok/index.js';
import type { MediaPublisher, PublishTarget } from '../media/index.js';
import type { GeneratedImageRef } from './answer-assembler.js';

export interface GeneratedImageSettings {
  format: MediaFormat;
  /** app.app_url ('' = links are built from the request's own host). */
  appUrl: string;
}

export interface GeneratedImageLinkerDeps {
  publisher: MediaPublisher;
  /** A Grok asset path or URL made absolute (the media client's rule, §5.5.4). */
  assetUrl: (pathOrUrl: string) => string;
  settings: () => GeneratedImageSettings;
  /** An image that could not be fetched (it is left out of the answer). */
  onError?: ((err: unknown, assetUrl: string) => void) | undefined;
}

export interface ImageLinkContext {
  /** The account that drew the images (its cookie fetches them). */
  token: string;
  /** The request's own base URL, read only when app.app_url is unset (absent: no edge request). */
  requestBaseUrl: (() => string) | undefined;
  signal: AbortLike;
}

export interface LinkedImages {
  /** One link per image that could be published, in order. */
  urls: string[];
  /** The first failure, when some image could not be published. */
  failure: unknown;
}

export class GeneratedImageLinker {
  constructor(private readonly deps: GeneratedImageLinkerDeps) {}

  async link(images: readonly GeneratedImageRef[], ctx: ImageLinkContext): Promise<LinkedImages> {
    // The same image may come as a relative path and as an absolute URL: one link for both.
    const absolute = [...new Set(images.map((img) => this.deps.assetUrl(img.url)))];
    const target = this.target(ctx);
    const signal = toAbortSignal(ctx.signal);
    const settled = await Promise.allSettled(
      absolute.map((url) => this.deps.publisher.publish('image', ctx.token, { upstream: url }, target, { signal })),
    );
    const out: LinkedImages = { urls: [], failure: undefined };
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled' && r.value.url !== undefined) {
        out.urls.push(r.value.url);
        return;
      }
      const err = r.status === 'rejected' ? r.reason : new Error('the media publisher returned no link');
      out.failure ??= err;
      this.deps.onError?.(err, absolute[i] ?? '');
    });
    return out;
  }

  private target(ctx: ImageLinkContext): PublishTarget {
    const s = this.deps.settings();
    if (s.format === 'upstream') return { format: 'upstream', baseUrl: '' };
    const baseUrl = s.appUrl !== '' ? s.appUrl.replace(/\/+$/, '') : ctx.requestBaseUrl?.();
    // No public base to link a cached copy from (a turn from no HTTP request): Grok's own URL.
    if (baseUrl === undefined) return { format: 'upstream', baseUrl: '' };
    return { format: 'url', baseUrl };
  }
}
