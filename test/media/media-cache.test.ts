// The media cache: random names, strict name validation, LRU eviction per kind, size/clear, and
// re-indexing what an earlier run left on disk.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMediaName, MediaCache } from '../../src/media/index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), 'g2a-media-'));
  dirs.push(d);
  return d;
}

void describe('MediaCache', () => {
  void it('accepts only its own name shape', () => {
    assert.ok(isMediaName('0123456789abcdef0123456789abcdef.jpg'));
    for (const bad of [
      '../config.toml',
      '..',
      '0123456789abcdef0123456789abcdef.jpg/..',
      '0123456789ABCDEF0123456789ABCDEF.jpg',
      '0123456789abcdef0123456789abcdef.exe',
      '0123456789abcdef0123456789abcde.jpg',
      '.tmp-0123456789abcdef0123456789abcdef.jpg',
      '0123456789abcdef0123456789abcdef.jpg\0',
      'a/b.jpg',
      '',
    ]) {
      assert.equal(isMediaName(bad), false, bad);
    }
  });

  void it('stores under random names, reads back, and evicts the least recently used beyond the cap', async () => {
    const root = tempRoot();
    const cache = await MediaCache.open(root, () => ({ imageBytes: 250, videoBytes: 1000 }));
    const a = await cache.store('image', Buffer.alloc(100, 1), 'jpg');
    const b = await cache.store('image', Buffer.alloc(100, 2), 'png');
    assert.notEqual(a.name, b.name);
    assert.equal(a.mimeType, 'image/jpeg');
    assert.ok(cache.lookup('image', a.name), 'touch a: b is now the least recently used');
    const c = await cache.store('image', Buffer.alloc(100, 3), 'jpg');
    assert.equal(cache.lookup('image', b.name), undefined);
    assert.ok(cache.lookup('image', a.name));
    assert.ok(cache.lookup('image', c.name));
    // unlink happens in the background
    for (let i = 0; i < 50 && existsSync(b.path); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(existsSync(b.path), false);
    assert.deepEqual((await cache.read('image', a.name))?.bytes, Buffer.alloc(100, 1));
    assert.equal(cache.lookup('video', a.name), undefined, 'kinds are separate');
    assert.deepEqual(cache.size().images, { files: 2, bytes: 200, limitBytes: 250 });
  });

  void it('keeps the newest file even when it alone exceeds the cap', async () => {
    const cache = await MediaCache.open(tempRoot(), () => ({ imageBytes: 10, videoBytes: 10 }));
    const v = await cache.store('video', Buffer.alloc(50), 'mp4');
    assert.ok(cache.lookup('video', v.name));
  });

  void it('re-indexes files of an earlier run (in mtime order), drops stale temp files, ignores strangers', async () => {
    const root = tempRoot();
    const first = await MediaCache.open(root, () => ({ imageBytes: 10_000, videoBytes: 10_000 }));
    const kept = await first.store('image', Buffer.alloc(10, 7), 'webp');
    const stale = join(root, 'images', '.tmp-0123456789abcdef0123456789abcdef.jpg');
    writeFileSync(stale, 'partial');
    const old = new Date(Date.now() - 11 * 60_000);
    utimesSync(stale, old, old);
    // A fresh temp file may be another instance's write in progress (shared volume): left alone.
    writeFileSync(join(root, 'images', '.tmp-1-ab-fedcba9876543210fedcba9876543210.jpg'), 'writing');
    writeFileSync(join(root, 'images', 'notes.txt'), 'operator file');
    const second = await MediaCache.open(root, () => ({ imageBytes: 10_000, videoBytes: 10_000 }));
    assert.equal(second.lookup('image', kept.name)?.size, 10);
    assert.deepEqual(readdirSync(join(root, 'images')).sort(), [kept.name, 'notes.txt', '.tmp-1-ab-fedcba9876543210fedcba9876543210.jpg'].sort());
    assert.equal(second.size().images.files, 1);
  });

  void it('shares one directory between two caches: adopts the other\'s files, tolerates its deletions', async () => {
    const root = tempRoot();
    const limits = (): { imageBytes: number; videoBytes: number } => ({ imageBytes: 10_000, videoBytes: 10_000 });
    const a = await MediaCache.open(root, limits);
    const b = await MediaCache.open(root, limits);
    const f = await a.store('image', Buffer.alloc(20, 3), 'png');
    assert.equal(b.lookup('image', f.name), undefined, 'not known to b yet');
    assert.equal((await b.adopt('image', f.name))?.size, 20);
    assert.equal(b.size().images.bytes, 20);
    await a.clear('image');
    assert.equal(await b.read('image', f.name), undefined, 'a file the other cache deleted is forgotten, no crash');
    assert.equal(b.size().images.bytes, 0);
    const again = await b.storeNamed('image', f.name, Buffer.alloc(20, 3));
    assert.equal((await a.adopt('image', again.name))?.size, 20);
    await assert.rejects(b.storeNamed('image', '../x.png', Buffer.alloc(1)), /invalid name/);
  });

  void it('clear() deletes every cached file (one kind or both)', async () => {
    const root = tempRoot();
    const cache = await MediaCache.open(root, () => ({ imageBytes: 10_000, videoBytes: 10_000 }));
    const i = await cache.store('image', Buffer.alloc(10), 'jpg');
    const v = await cache.store('video', Buffer.alloc(20), 'mp4');
    assert.deepEqual(await cache.clear('video'), { files: 1, bytes: 20 });
    assert.equal(existsSync(v.path), false);
    assert.ok(existsSync(i.path));
    assert.deepEqual(await cache.clear(), { files: 1, bytes: 10 });
    assert.equal(cache.size().bytes, 0);
  });
});
