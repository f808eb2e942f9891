// Broken multipart bodies on the upload routes (/v1/images/edits, /v1/videos), sent as raw bytes
// over a real socket: a body cut off before its closing boundary, a part whose headers never end, a
// Content-Type without a boundary. Each is the client's mistake: a 400 invalid_request_error that
// names the body, never a 500, and nothing goes upstream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { makePng } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { API_KEY, startMediaHarness } from './media-helpers.js';

/** Sends one raw HTTP/1.1 request (Content-Length = the bytes sent) and reads the whole answer. */
function rawPost(port: number, path: string, contentType: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    sock.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    sock.write(body);
  });
}

const BOUNDARY = 'xXxBoundaryxXx';
const MP = `multipart/form-data; boundary=${BOUNDARY}`;

function fieldPart(name: string, value: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

function filePart(name: string, bytes: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    bytes,
  ]);
}

void describe('truncated or malformed multipart bodies', () => {
  let h: Harness;
  let port = 0;
  before(async () => {
    h = await startMediaHarness();
    port = Number(new URL(h.baseURL).port);
  });
  after(() => h.close());

  const png = makePng(8, 8);
  const cases: Array<{ name: string; body: () => Buffer; contentType?: string }> = [
    // The body ends inside a file part: no CRLF, no closing boundary ("Part terminated early").
    { name: 'cut inside a file part', body: () => Buffer.concat([Buffer.from(fieldPart('prompt', 'p')), filePart('image', png.subarray(0, 20))]) },
    // The body ends after a complete part, without the closing `--boundary--`.
    { name: 'no closing boundary', body: () => Buffer.concat([Buffer.from(fieldPart('prompt', 'p')), filePart('image', png), Buffer.from('\r\n')]) },
    // A part whose headers never end.
    { name: 'cut inside part headers', body: () => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="pro`) },
    // Only a field, cut mid-value.
    { name: 'cut inside a field', body: () => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhal`) },
    { name: 'no boundary in Content-Type', contentType: 'multipart/form-data', body: () => Buffer.from(fieldPart('prompt', 'p') + `--${BOUNDARY}--\r\n`) },
  ];

  for (const path of ['/v1/images/edits', '/v1/videos']) {
    for (const c of cases) {
      void it(`${path}: ${c.name} → 400 invalid_request_error naming the body`, async () => {
        h.sim.clearRequests();
        const res = await rawPost(port, path, c.contentType ?? MP, c.body());
        assert.equal(res.status, 400, res.body);
        const err = (JSON.parse(res.body) as { error: { type: string; code: string; param: string | null; message: string } }).error;
        assert.equal(err.type, 'invalid_request_error');
        assert.equal(err.code, 'invalid_multipart');
        assert.equal(err.param, null);
        assert.match(err.message, /multipart\/form-data body/);
        assert.equal(h.sim.requests.filter((r) => r.origin === 'app').length, 0);
      });
    }
  }

  void it('a field over the 1 MB field limit is refused naming it, not silently cut', async () => {
    h.sim.clearRequests();
    const long = 'x'.repeat(1024 * 1024 + 10);
    const body = Buffer.concat([Buffer.from(fieldPart('prompt', long)), filePart('image', png), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
    const res = await rawPost(port, '/v1/images/edits', MP, body);
    assert.equal(res.status, 400, res.body.slice(0, 300));
    const err = (JSON.parse(res.body) as { error: { code: string; param: string } }).error;
    assert.equal(err.code, 'field_too_large');
    assert.equal(err.param, 'prompt');
    assert.equal(h.sim.requests.filter((r) => r.origin === 'app').length, 0);
  });

  void it('a well-formed body still works after the broken ones (the server is fine)', async () => {
    const body = Buffer.concat([Buffer.from(fieldPart('prompt', 'still fine')), filePart('image', png), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
    const res = await rawPost(port, '/v1/images/edits', MP, body);
    assert.equal(res.status, 200, res.body);
  });
});
