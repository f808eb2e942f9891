// The file store's call log: a flush appends (the file is never rewritten by it), compaction to the
// cap happens at start-up and at 2 × cap (atomically), torn or damaged lines are dropped; and, end
// to end, the gateway writes pending entries on close and keeps the file capped.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createStore, FileStore } from '../../src/store/index.js';
import { startHarness } from '../e2e/harness.js';
import { syntheticEntries } from './synthetic.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'g2a-calllog-file-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(dir: string): Promise<FileStore> {
  const s = await createStore({ mode: 'file', url: '', dataDir: dir });
  assert.ok(s instanceof FileStore);
  return s;
}

const lines = (dir: string): string[] => readFileSync(join(dir, 'call_logs.jsonl'), 'utf8').split('\n').filter(Boolean);

void describe('file call log', () => {
  void it('appends each batch: earlier bytes untouched, same file, no rewrite', async () => {
    const dir = tempDir();
    const s = await open(dir);
    const entries = syntheticEntries(300, 3);
    await s.callLogs.append(entries.slice(0, 100), 1000);
    const path = join(dir, 'call_logs.jsonl');
    const first = readFileSync(path, 'utf8');
    const ino = statSync(path).ino;
    assert.equal((statSync(path).mode & 0o777).toString(8), '600');
    for (let i = 100; i < 300; i += 50) await s.callLogs.append(entries.slice(i, i + 50), 1000);
    const now = readFileSync(path, 'utf8');
    assert.ok(now.startsWith(first), 'the first batch is still there, byte for byte');
    assert.equal(statSync(path).ino, ino, 'same file (not replaced)');
    assert.deepEqual(s.callLogs.counters, { appends: 5, rewrites: 0 });
    assert.deepEqual(lines(dir).map((l) => (JSON.parse(l) as { id: string }).id), entries.map((e) => e.id));
    await s.close();
  });

  void it('compacts to the cap when the file reaches 2 × cap, and at start-up', async () => {
    const dir = tempDir();
    const s = await open(dir);
    const entries = syntheticEntries(100, 4);
    for (let i = 0; i < 38; i += 2) await s.callLogs.append(entries.slice(i, i + 2), 20);
    assert.equal(lines(dir).length, 38, 'below 2 × cap: only appends');
    assert.equal(s.callLogs.counters.rewrites, 0);
    await s.callLogs.append(entries.slice(38, 40), 20);
    assert.equal(s.callLogs.counters.rewrites, 1);
    assert.deepEqual(lines(dir).map((l) => (JSON.parse(l) as { id: string }).id), entries.slice(20, 40).map((e) => e.id));
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.tmp-')), []);
    await s.callLogs.append(entries.slice(40, 55), 20);
    await s.close();

    const again = await open(dir);
    const loaded = await again.callLogs.loadRecent(10);
    assert.deepEqual(loaded.map((e) => e.id), entries.slice(45, 55).map((e) => e.id));
    assert.equal(lines(dir).length, 10, 'compacted at start-up');
    await again.close();
  });

  void it('drops a torn last line and damaged lines', async () => {
    const dir = tempDir();
    const entries = syntheticEntries(5, 5);
    const path = join(dir, 'call_logs.jsonl');
    writeFileSync(path, entries.slice(0, 3).map((e) => JSON.stringify(e) + '\n').join('') + 'not json\n' + JSON.stringify(entries[3]).slice(0, 40));
    const s = await open(dir);
    // An append straight after a torn tail (no load first) starts on a new line.
    await s.callLogs.append([entries[4]!], 100);
    const loaded = await s.callLogs.loadRecent(100);
    assert.deepEqual(loaded.map((e) => e.id), [entries[0], entries[1], entries[2], entries[4]].map((e) => e!.id));
    assert.equal(lines(dir).length, 4, 'rewritten without the damaged lines');
    appendFileSync(path, '{"half":');
    await s.close();
    const again = await open(dir);
    assert.equal((await again.callLogs.loadRecent(100)).length, 4);
    await again.close();
  });

  void it('is written on gateway close and stays capped', async () => {
    const dataDir = tempDir();
    const overrides = { calllog: { flush_interval: 600, max_entries: 100 } };
    const h = await startHarness({ dataDir, overrides });
    try {
      for (let i = 0; i < 3; i++) await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `n${i}` }] });
      assert.equal(h.gw.callLog.status().pending, 3, 'not written yet (flush interval is long)');
    } finally {
      await h.close();
    }
    const written = lines(dataDir).map((l) => JSON.parse(l) as { model: string; status: number });
    assert.deepEqual(written.map((e) => [e.model, e.status]), [['grok-chat-fast', 200], ['grok-chat-fast', 200], ['grok-chat-fast', 200]]);

    const h2 = await startHarness({ dataDir, overrides });
    try {
      // Past 2 × cap, recorded directly (no HTTP needed) to check the cap.
      for (const e of syntheticEntries(250, 6, Date.now())) h2.gw.callLog.record(e);
      assert.equal(h2.gw.callLog.status().retained, 100);
    } finally {
      await h2.close();
    }
    const kept = lines(dataDir);
    assert.ok(kept.length <= 200 && kept.length >= 100, `${kept.length} lines`);
    const h3 = await startHarness({ dataDir, overrides });
    try {
      assert.equal(h3.gw.callLog.status().retained, 100);
      assert.equal(lines(dataDir).length, 100, 'compacted at start-up');
    } finally {
      await h3.close();
    }
  });
});
