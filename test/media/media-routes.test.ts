// /images/{name} and /videos/{name}: the cache served with types, validators and ranges; any name
// that is not one of ours (traversal, encoded slashes, unknown) is a 404 that touches no file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { MediaCache, parseByteRange, registerMediaRoutes, type CachedFile } from '../../src/media/index.js';

/** A GET with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

void describe('media routes', () => {
  let root: string;
  let app: FastifyInstance;
  let port: number;
  let cache: MediaCache;
  let video: CachedFile;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'g2a-routes-'));
    // A secret next to the cache: no request may ever reach it.
    writeFileSync(join(root, 'secret.txt'), 'top secret');
    cache = await MediaCache.open(join(root, 'media'), () => ({ imageBytes: 1e9, videoBytes: 1e9 }));
    video = await cache.store('video', bytes, 'mp4');
    app = Fastify();
    registerMediaRoutes(app, cache);
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  void it('serves a cached file with its type, validators and length', async () => {
    const r = await rawGet(port, `/videos/${video.name}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'video/mp4');
    assert.equal(r.headers['content-length'], '1000');
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.ok(r.headers.etag && r.headers['last-modified']);
    assert.deepEqual(r.body, bytes);
    const head = await app.inject({ method: 'HEAD', url: `/videos/${video.name}` });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-length'], '1000');
    assert.equal(head.body, '');
  });

  void it('answers ranges with 206 and Content-Range, bad ranges with 416, conditional requests with 304', async () => {
    const r = await rawGet(port, `/videos/${video.name}`, { range: 'bytes=10-19' });
    assert.equal(r.status, 206);
    assert.equal(r.headers['content-range'], 'bytes 10-19/1000');
    assert.deepEqual(r.body, bytes.subarray(10, 20));
    const open = await rawGet(port, `/videos/${video.name}`, { range: 'bytes=990-' });
    assert.equal(open.headers['content-range'], 'bytes 990-999/1000');
    const bad = await rawGet(port, `/videos/${video.name}`, { range: 'bytes=2000-3000' });
    assert.equal(bad.status, 416);
    const first = await rawGet(port, `/videos/${video.name}`);
    const inm = await rawGet(port, `/videos/${video.name}`, { 'if-none-match': String(first.headers.etag) });
    assert.equal(inm.status, 304);
    const stale = await rawGet(port, `/videos/${video.name}`, { range: 'bytes=0-1', 'if-range': '"other"' });
    assert.equal(stale.status, 200, 'If-Range mismatch: the whole file');
  });

  void it('path traversal, encoded separators and unknown names are 404', async () => {
    for (const path of [
      '/images/../secret.txt',
      '/images/..%2Fsecret.txt',
      '/images/..%2F..%2Fsecret.txt',
      '/images/%2e%2e%2fsecret.txt',
      '/videos/..%5Csecret.txt',
      '/videos/%2e%2e',
      `/images/${video.name}`, // right name, wrong kind
      '/videos/0123456789abcdef0123456789abcdef.mp4', // well-formed, not cached
      `/videos/${video.name.toUpperCase()}`,
      '/videos/secret.txt',
      `/videos/${video.name}%00.txt`,
    ]) {
      const r = await rawGet(port, path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body.toString(), /top secret/);
    }
  });

  void it('parseByteRange', () => {
    assert.deepEqual(parseByteRange('bytes=0-0', 10), { start: 0, end: 0 });
    assert.deepEqual(parseByteRange('bytes=5-', 10), { start: 5, end: 9 });
    assert.deepEqual(parseByteRange('bytes=-3', 10), { start: 7, end: 9 });
    assert.deepEqual(parseByteRange('bytes=8-100', 10), { start: 8, end: 9 });
    assert.equal(parseByteRange('bytes=10-', 10), 'invalid');
    assert.equal(parseByteRange('bytes=-0', 10), 'invalid');
    assert.equal(parseByteRange('bytes=5-2', 10), 'invalid');
    assert.equal(parseByteRange('bytes=0-1,3-4', 10), undefined);
    assert.equal(parseByteRange('items=0-1', 10), undefined);
    assert.equal(parseByteRange(undefined, 10), undefined);
  });
});
