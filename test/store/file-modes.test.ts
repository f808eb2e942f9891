// What the gateway creates in DATA_DIR is its user's alone: directories 0700, files 0600, with a
// permissive umask too (the modes are set explicitly), and media left 0755/0644 by an earlier
// version is tightened at start. A DATA_DIR open to others is reported at start-up.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MediaCache } from '../../src/media/index.js';
import { FileStore } from '../../src/store/index.js';
import pino from 'pino';
import { startHarness } from '../e2e/harness.js';

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);
const LIMITS = (): { imageBytes: number; videoBytes: number } => ({ imageBytes: 1 << 20, videoBytes: 1 << 20 });

void describe('file modes of the data directory', { skip: process.platform === 'win32' ? 'no POSIX modes' : false }, () => {
  let root: string;
  let umask: number;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'g2a-modes-'));
    // The most permissive umask: anything not set explicitly would come out 0777 / 0666.
    umask = process.umask(0);
  });
  after(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  void it('creates DATA_DIR (and missing parents) 0700 and writes its files 0600', async () => {
    const dataDir = join(root, 'a', 'data');
    const store = await FileStore.open({ dataDir, logger: pino({ level: 'silent' }), flushIntervalMs: 10, deletionRetentionMs: 60_000 });
    await store.kv.set('k', 'v');
    await store.flush();
    await store.close();
    assert.equal(modeOf(join(root, 'a')), '700');
    assert.equal(modeOf(dataDir), '700');
    assert.equal(modeOf(join(dataDir, 'kv.json')), '600');
  });

  void it('creates media/, media/images, media/videos 0700 and cached files 0600', async () => {
    const dataDir = join(root, 'b', 'data');
    const cache = await MediaCache.open(join(dataDir, 'media'), LIMITS);
    const f = await cache.store('image', Buffer.from('not really a png'), 'png');
    assert.equal(modeOf(dataDir), '700', 'DATA_DIR created on the way');
    assert.equal(modeOf(join(dataDir, 'media')), '700');
    assert.equal(modeOf(join(dataDir, 'media', 'images')), '700');
    assert.equal(modeOf(join(dataDir, 'media', 'videos')), '700');
    assert.equal(modeOf(f.path), '600');
  });

  void it('tightens media an earlier version left 0755 / 0644, and leaves an existing DATA_DIR alone', async () => {
    const dataDir = join(root, 'c');
    const images = join(dataDir, 'media', 'images');
    mkdirSync(images, { recursive: true });
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'media'), 0o755);
    chmodSync(images, 0o755);
    const old = join(images, `${'ab'.repeat(16)}.png`);
    writeFileSync(old, 'old image');
    chmodSync(old, 0o644);
    const cache = await MediaCache.open(join(dataDir, 'media'), LIMITS);
    assert.ok(cache.lookup('image', `${'ab'.repeat(16)}.png`));
    assert.equal(modeOf(join(dataDir, 'media')), '700');
    assert.equal(modeOf(images), '700');
    assert.equal(modeOf(old), '600');
    assert.equal(modeOf(dataDir), '755', "the operator's own directory keeps its mode");
  });

  void it('warns at start-up when DATA_DIR is open to other users', async () => {
    const dataDir = join(root, 'd');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const h = await startHarness({ dataDir });
    try {
      const line = h.logs.join('').split('\n').find((l) => l.includes('DATA_DIR is accessible to other users'));
      assert.ok(line, 'warned');
      assert.match(line, /"mode":"0755"/);
    } finally {
      await h.close();
    }
    chmodSync(dataDir, 0o700);
    const quiet = await startHarness({ dataDir });
    try {
      assert.equal(quiet.logs.join('').includes('DATA_DIR is accessible'), false);
    } finally {
      await quiet.close();
    }
  });
});
