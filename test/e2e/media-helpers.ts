// Shared bits of the media end-to-end tests: a harness whose accounts can serve super-tier models,
// and checks that a link really serves a decodable image / video.
import assert from 'node:assert/strict';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';
import type { FakeGrok } from '../fake-grok/index.js';

export const API_KEY = 'sk-test-harness-key-000000';

/** A harness whose accounts are heavy tier (image and video models need super). */
export function startMediaHarness(opts: HarnessOptions & { config?: Record<string, unknown> } = {}, sim?: FakeGrok): Promise<Harness> {
  return startHarness(
    {
      ...opts,
      overrides: {
        accounts: { sync_on_import: false, flush_interval: 0.1, poll_interval: 0.2, default_tier: 'heavy' },
        ...opts.config,
      },
    },
    sim,
  );
}

export function isJpeg(b: Buffer): boolean {
  return b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

export function isPng(b: Buffer): boolean {
  return b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/** GETs a link and checks that it serves an image (JPEG or PNG bytes, image/* content type). */
export async function assertServesImage(url: string): Promise<Buffer> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  assert.match(res.headers.get('content-type') ?? '', /^image\/(jpeg|png)$/);
  assert.ok(res.headers.get('etag'), 'etag');
  assert.ok(res.headers.get('last-modified'), 'last-modified');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.ok(isJpeg(bytes) || isPng(bytes), 'JPEG or PNG signature');
  return bytes;
}

/** The `![image](url)` links of a chat answer. */
export function markdownImages(text: string): string[] {
  return [...text.matchAll(/!\[image\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
}

export function wsRequests(h: Harness): Array<{ text: string; props: Record<string, unknown> }> {
  const out: Array<{ text: string; props: Record<string, unknown> }> = [];
  for (const r of h.sim.requests) {
    if (r.method !== 'WS') continue;
    const body = r.body as { item?: { content?: Array<Record<string, unknown>> } };
    const c = body.item?.content?.[0];
    if (c && typeof c.text === 'string') out.push({ text: c.text, props: (c.properties ?? {}) as Record<string, unknown> });
  }
  return out;
}

export function chatBodies(h: Harness): Array<Record<string, unknown>> {
  return h.sim.requests.filter((r) => r.path === '/rest/app-chat/conversations/new').map((r) => r.body as Record<string, unknown>);
}

export const UPLOAD_V2_PATH = '/http/upload-file-v2/direct';

/** One uploads-v2 request as the simulator recorded it. */
export interface RecordedUpload {
  /** As written in Content-Disposition (browser escapes kept). */
  filename: string | undefined;
  contentType: string | undefined;
  bytes: Buffer;
  fileSource: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  token: string | undefined;
}

type RecordedPart = { name: string; filename?: string; contentType?: string; base64: string };

export function uploadsV2(h: Harness): RecordedUpload[] {
  return h.sim.requests
    .filter((r) => r.path === UPLOAD_V2_PATH)
    .map((r) => {
      const parts = (r.body as { multipart?: RecordedPart[] } | undefined)?.multipart ?? [];
      const file = parts.find((p) => p.name === 'file');
      const source = parts.find((p) => p.name === 'file_source');
      return {
        filename: file?.filename,
        contentType: file?.contentType,
        bytes: Buffer.from(file?.base64 ?? '', 'base64'),
        fileSource: source ? Buffer.from(source.base64, 'base64').toString('utf8') : undefined,
        headers: r.headers,
        token: r.token,
      };
    });
}

/** Every upload went without x-statsig-id and x-xai-request-id, and no WebSocket or download carried a statsig. */
export function assertNoStatsigWhereNotSent(h: Harness): void {
  for (const u of uploadsV2(h)) {
    assert.equal(u.headers['x-statsig-id'], undefined, 'uploads carry no x-statsig-id');
    assert.equal(u.headers['x-xai-request-id'], undefined, 'uploads v2 carry no x-xai-request-id');
  }
  assert.deepEqual(h.sim.statsigViolations(), []);
}
