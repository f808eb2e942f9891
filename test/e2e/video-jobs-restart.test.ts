// Video jobs on the file store outlive the gateway: a restart with a job in flight resumes it from
// DATA_DIR (generated again, and the job's events say so), and its callback is delivered once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import type { Harness } from './harness.js';
import { startMediaHarness } from './media-helpers.js';

const TOKEN = 'sso-token-restart-0001';

interface Hook {
  body: Record<string, unknown>;
  key: string | undefined;
}

void describe('video jobs across a restart (file store)', () => {
  let sim: FakeGrok;
  let hook: Server;
  let hookUrl = '';
  const hooks: Hook[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'g2a-jobs-restart-'));
  const start = (): Promise<Harness> =>
    startMediaHarness(
      {
        tokens: [TOKEN],
        dataDir,
        config: { media: { allow_private_urls: true }, video: { job_lease: 1, job_scan_interval: 0.2, callback_backoff: 0.02 } },
      },
      sim,
    );

  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 1, tokens: { [TOKEN]: {} } });
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>, key: req.headers['idempotency-key'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await sim.close();
    await new Promise<void>((r) => hook.close(() => r()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  void it('resumes a job in flight after a restart, says so in its events, and calls back once', async () => {
    let h = await start();
    const created = await h.openai.videos.create({
      model: 'grok-imagine-video' as never,
      prompt: 'a slow sunrise [sim:delay=250]',
      // @ts-expect-error gateway extension
      callback_url: hookUrl,
    });
    for (let i = 0; i < 100; i++) {
      const j = await h.openai.videos.retrieve(created.id);
      if (j.progress > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = await h.openai.videos.retrieve(created.id).finally(() => undefined);
    if (before.status !== 'in_progress') await h.close();
    assert.equal(before.status, 'in_progress', JSON.stringify(before));
    await h.close();
    // the job is cut short: it stays in DATA_DIR, unfinished
    const saved = JSON.parse(readFileSync(join(dataDir, 'video_jobs.json'), 'utf8')) as { jobs: Array<{ id: string; status: string; attempts: number }> };
    assert.deepEqual(saved.jobs.map((j) => [j.id, j.status, j.attempts]), [[created.id, 'in_progress', 1]]);
    assert.equal(hooks.length, 0);

    h = await start();
    try {
      let job = await h.openai.videos.retrieve(created.id);
      for (let i = 0; i < 200 && job.status !== 'completed' && job.status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await h.openai.videos.retrieve(created.id);
      }
      assert.equal(job.status, 'completed', JSON.stringify(job.error));
      const events = (job as unknown as { events: Array<{ message: string }> }).events;
      assert.equal(events.length, 1, JSON.stringify(events));
      assert.match(events[0]?.message ?? '', /Run 2 .*cannot resume a started video, so it is generated again/);
      const bytes = Buffer.from(await (await h.openai.videos.downloadContent(created.id)).arrayBuffer());
      assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
      for (let i = 0; i < 100 && hooks.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
      // Several scans later, still one delivery.
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(hooks.length, 1, 'one callback per completion');
      assert.equal(hooks[0]?.body.id, created.id);
      assert.equal(hooks[0]?.body.status, 'completed');
      assert.match(hooks[0]?.key ?? '', /^[0-9a-f]{32}$/);
      assert.equal(hooks[0]?.body.idempotency_key, hooks[0]?.key);
    } finally {
      await h.close();
    }
    // And after one more restart nothing is delivered again.
    h = await start();
    try {
      await new Promise((r) => setTimeout(r, 600));
      assert.equal((await h.openai.videos.retrieve(created.id)).status, 'completed');
      assert.equal(hooks.length, 1);
    } finally {
      await h.close();
    }
  });
});

void describe('a video job interrupted too often (file store)', () => {
  void it(`fails with job_interrupted instead of generating a ${3 + 1}th time`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-jobs-interrupted-'));
    const id = `video_${'ab'.repeat(12)}`;
    const now = Date.now();
    writeFileSync(
      join(dataDir, 'video_jobs.json'),
      JSON.stringify({
        version: 1,
        jobs: [
          {
            id, owner: 'open', model: 'grok-imagine-video', size: '1280x720',
            input: { requestId: 'r', prompt: 'x', seconds: 6, aspectRatio: '16:9', resolution: '720p', preset: 'custom', target: { format: 'url', baseUrl: 'http://127.0.0.1:1' } },
            status: 'in_progress', progress: 40, createdAt: now, completedAt: null, expiresAt: null, ownerInstance: 'gone', leaseExpiresAt: now - 1,
            attempts: 3, events: [], error: null, url: null, thumbnailUrl: null, callbackUrl: null, callbackKey: 'k', callbackState: 'none',
          },
        ],
      }),
    );
    const h = await startMediaHarness({ tokens: [TOKEN], dataDir, config: { video: { job_scan_interval: 0.1 } } });
    try {
      let job = await h.gw.store.videoJobs.get(id);
      for (let i = 0; i < 100 && job?.status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await h.gw.store.videoJobs.get(id);
      }
      assert.equal(job?.status, 'failed');
      assert.equal(job?.error?.code, 'job_interrupted');
      assert.equal(h.sim.requests.filter((r) => r.path === '/rest/app-chat/conversations/new').length, 0, 'not generated again');
    } finally {
      await h.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
