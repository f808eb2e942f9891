// Links to the images Grok drew in a chat answer: which media.format gives which link, where the
// base URL comes from, one link per image (relative and absolute forms of one asset), and an image
// that cannot be fetched is left out and reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MediaFormat } from '../../src/config/index.js';
import { GeneratedImageLinker } from '../../src/gateway/generated-image-links.js';
import type { MediaPublisher, MediaSource, PublishedMedia, PublishTarget } from '../../src/media/index.js';

const ASSETS = 'https://assets.example';
const assetUrl = (u: string): string => (/^https?:\/\//.test(u) ? u : `${ASSETS}/${u.replace(/^\/+/, '')}`);

interface Published {
  token: string;
  upstream: string | undefined;
  target: PublishTarget;
}

/** Publishes like MediaPublisher: "upstream" passes the absolute URL, otherwise a cache link. */
function fakePublisher(fail: (url: string) => boolean = () => false): { publisher: MediaPublisher; calls: Published[] } {
  const calls: Published[] = [];
  let n = 0;
  const publisher = {
    publish: (_kind: string, token: string, src: MediaSource, target: PublishTarget): Promise<PublishedMedia> => {
      calls.push({ token, upstream: src.upstream, target });
      const upstreamUrl = src.upstream === undefined ? undefined : assetUrl(src.upstream);
      if (upstreamUrl !== undefined && fail(upstreamUrl)) return Promise.reject(new Error(`404 for ${upstreamUrl}`));
      const url = target.format === 'upstream' ? upstreamUrl : `${target.baseUrl}/images/f${++n}.jpg`;
      return Promise.resolve({ url, b64: undefined, mimeType: 'image/jpeg', bytes: undefined, upstreamUrl });
    },
  } as unknown as MediaPublisher;
  return { publisher, calls };
}

const ctx = (requestBaseUrl?: () => string) => ({ token: 'sso-tok', requestBaseUrl, signal: new AbortController().signal });
const refs = (...urls: string[]) => urls.map((url) => ({ url, assetId: undefined }));

function linker(format: MediaFormat, appUrl: string, publisher: MediaPublisher, onError?: (err: unknown, url: string) => void): GeneratedImageLinker {
  return new GeneratedImageLinker({ publisher, assetUrl, settings: () => ({ format, appUrl }), onError });
}

void describe('GeneratedImageLinker', () => {
  void it('media.format "url": cached copies linked from app.app_url, else from the request; in order, one per asset', async () => {
    const { publisher, calls } = fakePublisher();
    const r = await linker('url', 'https://gw.example/', publisher).link(
      refs('users/u/generated/1/image.jpg', `${ASSETS}/users/u/generated/1/image.jpg`, 'users/u/generated/2/image.jpg'),
      ctx(() => 'http://never.used'),
    );
    assert.deepEqual(r, { urls: ['https://gw.example/images/f1.jpg', 'https://gw.example/images/f2.jpg'], failure: undefined });
    assert.deepEqual(calls.map((c) => [c.token, c.upstream, c.target.format, c.target.baseUrl]), [
      ['sso-tok', `${ASSETS}/users/u/generated/1/image.jpg`, 'url', 'https://gw.example'],
      ['sso-tok', `${ASSETS}/users/u/generated/2/image.jpg`, 'url', 'https://gw.example'],
    ]);
    let asked = 0;
    const fromRequest = await linker('url', '', publisher).link(refs('users/u/generated/3/image.jpg'), ctx(() => {
      asked++;
      return 'http://host.example:8080';
    }));
    assert.deepEqual(fromRequest.urls, ['http://host.example:8080/images/f3.jpg']);
    assert.equal(asked, 1);
  });

  void it('media.format "b64_json" links the cached copy too (a chat answer is sent back as history)', async () => {
    const { publisher, calls } = fakePublisher();
    const r = await linker('b64_json', 'https://gw.example', publisher).link(refs('users/u/generated/1/image.jpg'), ctx());
    assert.deepEqual(r.urls, ['https://gw.example/images/f1.jpg']);
    assert.equal(calls[0]?.target.format, 'url');
  });

  void it('media.format "upstream", or no base URL at all: Grok\'s asset URL made absolute', async () => {
    const { publisher } = fakePublisher();
    const up = await linker('upstream', 'https://gw.example', publisher).link(refs('users/u/generated/1/image.jpg'), ctx(() => 'http://h'));
    assert.deepEqual(up.urls, [`${ASSETS}/users/u/generated/1/image.jpg`]);
    const noBase = await linker('url', '', publisher).link(refs('/users/u/generated/2/image.jpg'), ctx(undefined));
    assert.deepEqual(noBase.urls, [`${ASSETS}/users/u/generated/2/image.jpg`]);
  });

  void it('an image that cannot be fetched is left out, reported, and the first failure returned', async () => {
    const { publisher } = fakePublisher((u) => u.includes('/bad'));
    const errors: string[] = [];
    const r = await linker('url', 'https://gw.example', publisher, (_e, url) => errors.push(url)).link(
      refs('users/u/generated/bad/image.jpg', 'users/u/generated/ok/image.jpg'),
      ctx(),
    );
    assert.deepEqual(r.urls, ['https://gw.example/images/f1.jpg']);
    assert.match(String(r.failure), /404 for https:\/\/assets\.example\/users\/u\/generated\/bad\/image\.jpg/);
    assert.deepEqual(errors, [`${ASSETS}/users/u/generated/bad/image.jpg`]);
  });
});
