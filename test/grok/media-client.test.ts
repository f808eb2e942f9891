// GrokMediaClient against the simulator: uploads v2 on a fresh connection each (and retried on one),
// terminalError and the id rules, asset downloads with browser-navigation headers and the cookie
// only for Grok hosts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { GrokHeaders, GrokMediaClient, GrokUpstreamError, type GrokRoute, type MediaEgress, type MediaTransport, type WebSocketEgress } from '../../src/grok/index.js';
import { UndiciTransport } from '../../src/egress/index.js';
import { makePng, startFakeGrok, type FakeGrok } from '../fake-grok/index.js';

const TOKEN = 'sso-media-client-0001';

/** Counts fresh dispatchers and checks each is closed after its request. */
class CountingTransport implements MediaTransport {
  readonly agent = new Agent();
  made: Agent[] = [];
  /** Outcomes reported to the asset egress (when `assetReports` is on). */
  reports: Array<GrokUpstreamError | undefined> = [];
  assetReports = false;
  shared(): MediaEgress {
    return { dispatcher: this.agent, headers: undefined };
  }
  fresh(): MediaEgress {
    const a = new Agent({ connections: 1 });
    this.made.push(a);
    return { dispatcher: a, headers: undefined };
  }
  assets(_token: string, fallback?: GrokRoute): MediaEgress {
    const report = this.assetReports ? (e?: GrokUpstreamError): void => void this.reports.push(e) : undefined;
    return { dispatcher: fallback?.transport?.dispatcher() ?? this.agent, headers: fallback?.headers, report };
  }
  webSocket(): WebSocketEgress {
    return { agent: undefined, headers: undefined };
  }
}

void describe('GrokMediaClient', () => {
  let sim: FakeGrok;
  let transport: CountingTransport;
  let client: GrokMediaClient;
  before(async () => {
    sim = await startFakeGrok({ tokens: { [TOKEN]: {} } });
    transport = new CountingTransport();
    client = new GrokMediaClient({
      baseUrl: sim.baseUrl,
      assetsUrl: sim.assetsUrl,
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36',
      acceptLanguage: 'en',
      transport,
      headersTimeoutMs: 5000,
      uploadRetryDelayMs: 10,
    });
  });
  after(async () => {
    await transport.agent.close();
    await sim.close();
  });

  void it('uploads on a new dispatcher per attempt, destroyed afterwards; the bytes are then downloadable', async () => {
    transport.made = [];
    const png = makePng(5, 5);
    sim.clearRequests();
    const up = await client.upload(TOKEN, { fileName: 'a.png', mimeType: 'image/png', bytes: png });
    assert.match(String(up.fileMetadataId), /^[0-9a-f-]{36}$/);
    assert.equal(up.chatId, up.fileMetadataId, 'a chat mention takes the fileMetadataId first');
    assert.equal(transport.made.length, 1);
    assert.ok(transport.made.every((a) => a.destroyed || a.closed));
    const sent = sim.requests.find((r) => r.path === '/http/upload-file-v2/direct');
    assert.match(String(sent?.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.equal(sent?.headers['x-statsig-id'], undefined, 'uploads carry no statsig');
    assert.equal(sent?.headers['x-xai-request-id'], undefined, 'uploads v2 carry no request id');
    assert.equal(sent?.headers.referer, `${sim.baseUrl}/`);
    const parts = (sent?.body as { multipart: Array<{ name: string; filename?: string; contentType?: string; base64: string }> }).multipart;
    assert.deepEqual(parts.map((p) => p.name), ['file'], 'a chat attachment has no file_source');
    assert.equal(parts[0]?.filename, 'a.png');
    assert.equal(parts[0]?.contentType, 'image/png');
    assert.deepEqual(Buffer.from(parts[0]?.base64 ?? '', 'base64'), png);
    const got = await client.download(TOKEN, String(up.fileUri), { kind: 'image', maxBytes: 1024 * 1024, timeoutMs: 5000 });
    assert.deepEqual(got.bytes, png);
    const req = sim.requests.filter((r) => r.origin === 'assets').pop();
    assert.equal(req?.headers['sec-fetch-mode'], 'navigate');
    assert.equal(req?.headers['sec-fetch-dest'], 'document');
    assert.equal(req?.headers['upgrade-insecure-requests'], '1');
    assert.match(String(req?.headers.accept), /^image\/avif/);
    assert.match(String(req?.headers.cookie), new RegExp(`sso=${TOKEN}`));
  });

  for (const mode of ['reset', 502] as const) {
    void it(`retries an upload failing with ${mode} on fresh connections`, async () => {
      sim.setToken(TOKEN, { uploadFailures: 2, uploadFailMode: mode });
      transport.made = [];
      const up = await client.upload(TOKEN, { fileName: 'a.png', mimeType: 'image/png', bytes: makePng(2, 2) });
      assert.ok(up.fileMetadataId);
      assert.equal(transport.made.length, 3, 'one new dispatcher per attempt');
      assert.equal(new Set(transport.made).size, 3);
      sim.setToken(TOKEN, {});
    });
  }

  void it('gives up after the attempts with the classified error', async () => {
    sim.setToken(TOKEN, { uploadFailures: 5, uploadFailMode: 502 });
    await assert.rejects(client.upload(TOKEN, { fileName: 'a.png', mimeType: 'image/png', bytes: makePng(2, 2) }), (e: unknown) => e instanceof GrokUpstreamError && e.status === 502);
    sim.setToken(TOKEN, {});
  });

  void it('does not retry a 401 (not a transport problem)', async () => {
    transport.made = [];
    await assert.rejects(client.upload('sso-unknown-token', { fileName: 'a.png', mimeType: 'image/png', bytes: makePng(2, 2) }), (e: unknown) => e instanceof GrokUpstreamError && e.kind === 'invalid-credential');
    assert.equal(transport.made.length, 1);
  });

  void it('an image-edit input goes with file_source and Referer /imagine', async () => {
    sim.clearRequests();
    const up = await client.upload(TOKEN, { fileName: 'e.png', mimeType: 'image/png', bytes: makePng(2, 2) }, { purpose: 'imagine' });
    assert.ok(up.fileMetadataId);
    const sent = sim.requests.find((r) => r.path === '/http/upload-file-v2/direct');
    assert.equal(sent?.headers.referer, `${sim.baseUrl}/imagine`);
    const parts = (sent?.body as { multipart: Array<{ name: string; base64: string }> }).multipart;
    assert.deepEqual(parts.map((p) => p.name), ['file', 'file_source']);
    assert.equal(Buffer.from(parts[1]?.base64 ?? '', 'base64').toString(), 'IMAGINE_SELF_UPLOAD_FILE_SOURCE');
  });

  void it('a terminalError is a rejection, not retried; an uploadId-only answer gives the chat id but no edit id', async () => {
    sim.setToken(TOKEN, { uploadTerminalErrors: 1 });
    transport.made = [];
    await assert.rejects(
      client.upload(TOKEN, { fileName: 'x.png', mimeType: 'image/png', bytes: makePng(2, 2) }),
      (e: unknown) => e instanceof GrokUpstreamError && e.kind === 'bad-request' && /terminalError: file rejected/.test(e.message) && /x\.png/.test(e.message),
    );
    assert.equal(transport.made.length, 1, 'a rejected upload is not retried');
    sim.setToken(TOKEN, { uploadIdOnly: true });
    const up = await client.upload(TOKEN, { fileName: 'y.png', mimeType: 'image/png', bytes: makePng(2, 2) });
    assert.match(up.chatId, /^upl_/);
    assert.equal(up.uploadId, up.chatId);
    assert.equal(up.fileMetadataId, undefined);
    sim.setToken(TOKEN, {});
  });

  void it('a call naming a route uses that route\'s connections and clearance headers (never the defaults)', async () => {
    const routeTransport = new UndiciTransport({ connectTimeoutMs: 2000, headersTimeoutMs: 5000, requestTimeoutMs: 5000 });
    const headers = new GrokHeaders({ baseUrl: sim.baseUrl, userAgent: 'Mozilla/5.0 Route UA Chrome/136.0.0.0', acceptLanguage: 'en', cfClearance: 'route-clearance-value' });
    const route: GrokRoute = { transport: routeTransport, headers };
    try {
      transport.made = [];
      sim.clearRequests();
      const up = await client.upload(TOKEN, { fileName: 'r.png', mimeType: 'image/png', bytes: makePng(3, 3) }, { route });
      assert.equal(transport.made.length, 0, 'the route\'s fresh dispatcher, not the MediaTransport\'s');
      await client.download(TOKEN, String(up.fileUri), { kind: 'image', maxBytes: 1024 * 1024, timeoutMs: 5000, route });
      const sent = sim.requests.filter((r) => r.token === TOKEN);
      assert.equal(sent.length, 2);
      for (const r of sent) {
        assert.equal(r.headers['user-agent'], 'Mozilla/5.0 Route UA Chrome/136.0.0.0', r.path);
        assert.match(String(r.headers.cookie), /cf_clearance=route-clearance-value/, r.path);
      }
    } finally {
      await routeTransport.close();
    }
  });

  void it('reports a download\'s outcome to an asset egress that is not the caller\'s route', async () => {
    transport.assetReports = true;
    transport.reports = [];
    try {
      const up = await client.upload(TOKEN, { fileName: 'a.png', mimeType: 'image/png', bytes: makePng(2, 2) });
      await client.download(TOKEN, String(up.fileUri), { kind: 'image', maxBytes: 1024 * 1024, timeoutMs: 5000 });
      await assert.rejects(client.download(TOKEN, 'users/nope/gone.jpg', { kind: 'image', maxBytes: 1000, timeoutMs: 5000 }));
      assert.equal(transport.reports.length, 2);
      assert.equal(transport.reports[0], undefined, 'success');
      assert.equal(transport.reports[1]?.status, 404);
    } finally {
      transport.assetReports = false;
    }
  });

  void it('download errors: 404 classified, too large refused, the cookie never goes to other hosts', async () => {
    await assert.rejects(client.download(TOKEN, 'users/nope/missing.jpg', { kind: 'image', maxBytes: 1000, timeoutMs: 5000 }), (e: unknown) => e instanceof GrokUpstreamError && e.status === 404);
    const up = await client.upload(TOKEN, { fileName: 'big.png', mimeType: 'image/png', bytes: makePng(64, 64) });
    await assert.rejects(client.download(TOKEN, String(up.fileUri), { kind: 'image', maxBytes: 10, timeoutMs: 5000 }), /larger than/);
    assert.equal(client.isGrokUrl(`${sim.assetsUrl}/x`), true);
    assert.equal(client.isGrokUrl('https://assets.grok.com/x'), true);
    assert.equal(client.isGrokUrl('https://evil.example/x'), false);
  });
});
