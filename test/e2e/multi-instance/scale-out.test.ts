// Scale-out with real processes: three gateways on one Redis (and on one MySQL) behind a
// round-robin TCP balancer, driven by the OpenAI SDK through the balancer (one connection per
// request, so consecutive requests reach different instances). Every result must be the same
// whichever instance answers: images and edits served by any instance, video jobs created, polled
// and downloaded through alternating instances, a job finished by another instance after kill -9
// of the one running it, jobs surviving a restart of every instance (file store too), and each
// completed job's callback delivered exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { startFakeGrok, type FakeGrok } from '../../fake-grok/index.js';
import { makePng } from '../../fake-grok/media-bytes.js';
import { startBalancer, type Balancer } from './balancer.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

const KEY = 'sk-scale-out-test-000001';
const TOKEN = 'sso-scale-out-00000000001';
const SLOW = '[sim:delay=300]';

/** A fresh connection per request: the balancer then sends consecutive requests to different instances. */
const freshFetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const headers = new Headers(init?.headers);
  headers.set('connection', 'close');
  return fetch(url, { ...init, headers });
};

type Job = OpenAI.Videos.Video & { url: string | null; events: Array<{ message: string }> };

class Rig {
  sim!: FakeGrok;
  lb!: Balancer;
  hook!: Server;
  hookUrl = '';
  /** Callback deliveries per job id. */
  readonly deliveries = new Map<string, string[]>();
  gws: GatewayProcess[] = [];
  readonly dirs: string[] = [];
  env: Record<string, string> = {};
  openai!: OpenAI;

  async start(store: Record<string, string>, instances: number): Promise<void> {
    this.sim = await startFakeGrok({ tokenDelayMs: 1, defaultQuota: { remaining: 1e6, total: 1e6, windowSeconds: 7200 }, tokens: { [TOKEN]: {} } });
    this.hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; idempotency_key: string };
        this.deliveries.set(body.id, [...(this.deliveries.get(body.id) ?? []), body.idempotency_key]);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.hook.listen(0, '127.0.0.1', r));
    this.hookUrl = `http://127.0.0.1:${(this.hook.address() as AddressInfo).port}/hook`;
    this.env = {
      ...store,
      GROK2API_GROK_BASE_URL: this.sim.baseUrl,
      GROK2API_GROK_ASSETS_URL: this.sim.assetsUrl,
      GROK2API_GROK_WS_URL: this.sim.wsUrl,
      GROK2API_SSO_TOKENS: TOKEN,
      GROK2API_APP_API_KEYS: KEY,
      GROK2API_ACCOUNTS_SYNC_ON_IMPORT: 'false',
      GROK2API_ACCOUNTS_FLUSH_INTERVAL: '0.2',
      GROK2API_ACCOUNTS_POLL_INTERVAL: '0.5',
      GROK2API_ACCOUNTS_DEFAULT_TIER: 'heavy',
      GROK2API_MEDIA_ALLOW_PRIVATE_URLS: 'true',
      GROK2API_VIDEO_JOB_LEASE: '2',
      GROK2API_VIDEO_JOB_SCAN_INTERVAL: '0.5',
      GROK2API_LOG_LEVEL: 'info',
    };
    for (let i = 0; i < instances; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'g2a-scale-'));
      this.dirs.push(dir);
      this.gws.push(await startGatewayProcess(this.env, dir));
    }
    this.lb = await startBalancer(this.gws.map((g) => g.port));
    this.openai = new OpenAI({ baseURL: `${this.lb.url}/v1`, apiKey: KEY, maxRetries: 2, timeout: 30_000, fetch: freshFetch });
  }

  async close(): Promise<void> {
    await Promise.all(this.gws.map((g) => g.stop()));
    await this.lb?.close();
    await this.sim?.close();
    await new Promise<void>((r) => (this.hook ? this.hook.close(() => r()) : r()));
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }

  /** Restarts instance `i` on its port and DATA_DIR. */
  async restart(i: number): Promise<void> {
    const g = this.gws[i];
    if (!g) throw new Error(`no instance ${i}`);
    this.gws[i] = await startGatewayProcess(this.env, g.dataDir, g.port);
  }

  async job(id: string): Promise<Job> {
    return (await this.openai.videos.retrieve(id)) as Job;
  }

  async waitFor(id: string, done: (j: Job) => boolean, ms = 60_000): Promise<Job> {
    const deadline = Date.now() + ms;
    for (;;) {
      const j = await this.job(id);
      if (done(j)) return j;
      if (Date.now() > deadline) throw new Error(`job ${id} stuck: ${JSON.stringify(j)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async createVideo(prompt: string): Promise<string> {
    // @ts-expect-error gateway extension
    return (await this.openai.videos.create({ model: 'grok-imagine-video' as never, prompt, callback_url: this.hookUrl })).id;
  }

  /** The instance that created (and so runs) a job, from its log line. */
  runnerOf(id: string): number {
    const i = this.gws.findIndex((g) => g.logs.some((l) => l.includes(id) && l.includes('video job created')));
    if (i < 0) throw new Error(`no instance logged the creation of ${id}`);
    return i;
  }

  async assertDeliveredOnce(ids: string[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (ids.some((id) => (this.deliveries.get(id)?.length ?? 0) < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // A few more scans of every instance: nothing is delivered again.
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of ids) {
      const got = this.deliveries.get(id) ?? [];
      assert.equal(got.length, 1, `callback of ${id} delivered ${got.length} times`);
      assert.match(got[0] ?? '', /^[0-9a-f]{32}$/);
    }
  }
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  const r = await freshFetch(url, { headers });
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
}

for (const { mode, url } of [
  { mode: 'redis', url: 'redis://127.0.0.1:6379/0' },
  { mode: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' },
]) {
  void describe(`three gateway processes on ${mode} behind a round-robin balancer`, () => {
    const rig = new Rig();
    before(async () => {
      const prefix = `so${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      await rig.start({ GROK2API_STORAGE_MODE: mode, GROK2API_STORAGE_URL: url, GROK2API_STORAGE_KEY_PREFIX: prefix }, 3);
    });
    after(() => rig.close());

    void it('serves images, edits and video jobs whichever instance answers; callbacks once', async () => {
      const img = await rig.openai.images.generate({ model: 'grok-imagine-image', prompt: 'a blue circle', response_format: 'url' } as never);
      const imgUrl = img.data?.[0]?.url ?? '';
      assert.ok(imgUrl.startsWith(rig.lb.url), imgUrl);
      const edit = await rig.openai.images.edit({ model: 'grok-imagine-image-edit', image: await toFile(makePng(8, 8), 'a.png', { type: 'image/png' }), prompt: 'make it green' });
      const editUrl = edit.data?.[0]?.url ?? '';
      for (const u of [imgUrl, editUrl]) {
        const answers = await Promise.all([get(u), get(u), get(u)]);
        for (const a of answers) assert.equal(a.status, 200, u);
        assert.ok(answers.every((a) => a.body.equals(answers[0]?.body ?? Buffer.alloc(0))), 'the same bytes from every instance');
      }

      const ids = [await rig.createVideo('a fox'), await rig.createVideo('a cat'), await rig.createVideo('an owl')];
      const listed = (await rig.openai.videos.list()).data.map((v) => v.id);
      for (const id of ids) assert.ok(listed.includes(id), 'every instance lists every job');
      for (const id of ids) {
        const job = await rig.waitFor(id, (j) => j.status === 'completed' || j.status === 'failed');
        assert.equal(job.status, 'completed', JSON.stringify(job.error));
        assert.ok(job.url?.startsWith(`${rig.lb.url}/videos/`), job.url ?? '');
        const bytes = await Promise.all([0, 1, 2].map(async () => Buffer.from(await (await rig.openai.videos.downloadContent(id)).arrayBuffer())));
        for (const b of bytes) assert.equal(b.subarray(4, 8).toString('latin1'), 'ftyp');
        const ranged = await get(job.url ?? '', { range: 'bytes=4-7' });
        assert.equal(ranged.status, 206);
        assert.equal(ranged.body.toString('latin1'), 'ftyp');
      }
      assert.equal([...rig.lb.hits.values()].filter((n) => n > 0).length, 3, 'all three instances answered');
      await rig.assertDeliveredOnce(ids);
    });

    void it('finishes a job on another instance after kill -9 of the one running it', async () => {
      const id = await rig.createVideo(`a long river ${SLOW}`);
      await rig.waitFor(id, (j) => j.progress > 0);
      const victim = rig.runnerOf(id);
      await rig.gws[victim]?.kill9();
      const job = await rig.waitFor(id, (j) => j.status === 'completed' || j.status === 'failed');
      assert.equal(job.status, 'completed', JSON.stringify(job.error));
      assert.match(job.events.map((e) => e.message).join('\n'), /Run 2 .*stopped before it finished.*generated again/);
      assert.equal((await get(job.url ?? '')).status, 200);
      await rig.assertDeliveredOnce([id]);
      await rig.restart(victim);
    });

    void it('keeps jobs in flight across a restart of every instance', async () => {
      const ids = [await rig.createVideo(`first ${SLOW}`), await rig.createVideo(`second ${SLOW}`)];
      for (const id of ids) await rig.waitFor(id, (j) => j.progress > 0);
      await Promise.all(rig.gws.map((g) => g.kill9()));
      for (let i = 0; i < rig.gws.length; i++) await rig.restart(i);
      for (const id of ids) {
        const job = await rig.waitFor(id, (j) => j.status === 'completed' || j.status === 'failed');
        assert.equal(job.status, 'completed', JSON.stringify(job.error));
        assert.ok(job.events.length >= 1, 'the restart is in the job\'s events');
      }
      await rig.assertDeliveredOnce(ids);
    });
  });
}

void describe('one gateway process on the file store, killed with jobs in flight', () => {
  const rig = new Rig();
  before(() => rig.start({ GROK2API_STORAGE_MODE: 'file' }, 1));
  after(() => rig.close());

  void it('resumes the job from DATA_DIR after kill -9 and a restart; callback once', async () => {
    const id = await rig.createVideo(`a quiet lake ${SLOW}`);
    await rig.waitFor(id, (j) => j.progress > 0);
    await new Promise((r) => setTimeout(r, 500)); // the file store writes behind (flush_interval 0.2 s)
    await rig.gws[0]?.kill9();
    await rig.restart(0);
    const job = await rig.waitFor(id, (j) => j.status === 'completed' || j.status === 'failed');
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    assert.match(job.events.map((e) => e.message).join('\n'), /Run 2 /);
    await rig.assertDeliveredOnce([id]);
  });
});
