// Two gateways on one Redis store, each with its own DATA_DIR (no shared volume): a video job made
// on one is found, polled and downloaded on the other; media one instance cached is served by the
// other (fetched once from Grok with the owning account's cookie, Range included), however many
// clients ask for it at once. One shared DATA_DIR/media (a shared volume) works too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { startMediaHarness } from './media-helpers.js';

const TOKEN = 'sso-token-shared-00001';

async function waitDone(h: Harness, id: string): Promise<{ status: string; url: string | null }> {
  for (let i = 0; i < 400; i++) {
    const j = (await h.openai.videos.retrieve(id)) as unknown as { status: string; url: string | null };
    if (j.status === 'completed' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not finish');
}

for (const shared of [false, true]) {
  void describe(`results shared between two instances on Redis (${shared ? 'one shared media volume' : 'a DATA_DIR each'})`, () => {
    let sim: FakeGrok;
    let a: Harness;
    let b: Harness;
    const dirs: string[] = [];
    before(async () => {
      sim = await startFakeGrok({ tokenDelayMs: 1, tokens: { [TOKEN]: {} } });
      const prefix = `sr${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const env = { GROK2API_STORAGE_MODE: 'redis', GROK2API_STORAGE_URL: 'redis://127.0.0.1:6379/0', GROK2API_STORAGE_KEY_PREFIX: prefix };
      const start = (dataDir: string): Promise<Harness> =>
        startMediaHarness({ tokens: [TOKEN], dataDir, env, config: { video: { job_lease: 2, job_scan_interval: 0.5 } } }, sim);
      const da = mkdtempSync(join(tmpdir(), 'g2a-shared-a-'));
      dirs.push(da);
      let db = da;
      if (!shared) {
        db = mkdtempSync(join(tmpdir(), 'g2a-shared-b-'));
        dirs.push(db);
      }
      a = await start(da);
      b = await start(db);
    });
    after(async () => {
      await a.close();
      await b.close();
      await sim.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    void it('answers for the other instance\'s video job and serves its video', async () => {
      const created = await a.openai.videos.create({ model: 'grok-imagine-video' as never, prompt: 'a shared fox' });
      const seen = await b.openai.videos.retrieve(created.id);
      assert.equal(seen.id, created.id);
      const job = await waitDone(b, created.id);
      assert.equal(job.status, 'completed');
      // B answers with links on its own address; the file is on A (or on the shared volume).
      assert.ok(job.url?.startsWith(b.baseURL.replace(/\/v1$/, '')), job.url ?? '');
      assert.deepEqual((await b.openai.videos.list()).data.map((v) => v.id), [created.id]);
      sim.clearRequests();
      const urls = Array.from({ length: 5 }, () => job.url ?? '');
      const bodies = await Promise.all(urls.map(async (u) => Buffer.from(await (await fetch(u)).arrayBuffer())));
      const direct = Buffer.from(await (await fetch((job.url ?? '').replace(b.baseURL.replace(/\/v1$/, ''), a.baseURL.replace(/\/v1$/, '')))).arrayBuffer());
      for (const body of bodies) assert.deepEqual(body, direct);
      assert.equal(bodies[0]?.subarray(4, 8).toString('latin1'), 'ftyp');
      const assetGets = sim.requests.filter((r) => r.origin === 'assets' && r.method === 'GET');
      assert.equal(assetGets.length, shared ? 0 : 1, 'five concurrent misses fetch once (none on a shared volume)');
      if (!shared) assert.equal(assetGets[0]?.token, TOKEN, 'fetched with the owning account\'s cookie');
      const ranged = await fetch(job.url ?? '', { headers: { range: 'bytes=4-7' } });
      assert.equal(ranged.status, 206);
      assert.equal(Buffer.from(await ranged.arrayBuffer()).toString('latin1'), 'ftyp');
      const content = Buffer.from(await (await b.openai.videos.downloadContent(created.id)).arrayBuffer());
      assert.deepEqual(content, direct);
    });

    void it('a job deleted through one instance stops running on the other and stays deleted', async () => {
      const created = await a.openai.videos.create({ model: 'grok-imagine-video' as never, prompt: 'a very slow tide [sim:delay=400]' });
      for (let i = 0; i < 100 && (await b.openai.videos.retrieve(created.id)).progress === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(sim.openStreams() > 0, 'the generation runs on instance a');
      await b.openai.videos.delete(created.id);
      for (let i = 0; i < 60 && sim.openStreams() > 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(sim.openStreams(), 0, 'instance a stopped the generation');
      await new Promise((r) => setTimeout(r, 300));
      for (const h of [a, b]) await assert.rejects(h.openai.videos.retrieve(created.id), (e: unknown) => (e as { status?: number }).status === 404);
    });

    void it('serves an image the other instance generated', async () => {
      const res = await a.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a red square', response_format: 'url' } as never);
      const url = res.data?.[0]?.url ?? '';
      const name = /\/images\/([0-9a-f]{32}\.\w+)$/.exec(url)?.[1];
      assert.ok(name, url);
      const viaB = await fetch(`${b.baseURL.replace(/\/v1$/, '')}/images/${name}`);
      assert.equal(viaB.status, 200, `image served by the other instance (${url})`);
      assert.deepEqual(Buffer.from(await viaB.arrayBuffer()), Buffer.from(await (await fetch(url)).arrayBuffer()));
      assert.equal((await fetch(`${b.baseURL.replace(/\/v1$/, '')}/images/${'0'.repeat(32)}.jpg`)).status, 404);
    });
  });
}
