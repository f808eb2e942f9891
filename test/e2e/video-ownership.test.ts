// Video jobs belong to the API key that created them: over real HTTP, with two configured keys,
// key B neither lists, reads, downloads nor deletes key A's job (404, as if it did not exist),
// while A still can. With no keys configured (an open gateway) every client is the same owner.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from './harness.js';
import { startMediaHarness } from './media-helpers.js';

const KEY_A = 'sk-owner-a-0000000000000001';
const KEY_B = 'sk-owner-b-0000000000000002';

interface JobBody {
  id: string;
  status: string;
  prompt: string;
}

async function call(h: Harness, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${h.baseURL}${path}`, {
    method,
    redirect: 'manual',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function createFinishedJob(h: Harness, key: string, prompt: string): Promise<JobBody> {
  const created = await call(h, key, 'POST', '/videos', { model: 'grok-imagine-video', prompt });
  assert.equal(created.status, 200, JSON.stringify(created.json));
  const id = created.json.id as string;
  for (let i = 0; i < 200; i++) {
    const got = await call(h, key, 'GET', `/videos/${id}`);
    assert.equal(got.status, 200);
    const job = got.json as unknown as JobBody;
    if (job.status === 'completed' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not finish');
}

function listedIds(list: Record<string, unknown>): string[] {
  return (list.data as JobBody[]).map((j) => j.id);
}

void describe('video jobs are isolated per API key', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ config: { app: { api_keys: [KEY_A, KEY_B] } } });
  });
  after(() => h.close());

  void it("another key cannot list, read, download or delete a key's job; the owner can", async () => {
    const a = await createFinishedJob(h, KEY_A, 'secret prompt of key A');
    assert.equal(a.status, 'completed');
    const b = await createFinishedJob(h, KEY_B, 'prompt of key B');

    const listA = await call(h, KEY_A, 'GET', '/videos');
    assert.deepEqual(listedIds(listA.json), [a.id]);
    const listB = await call(h, KEY_B, 'GET', '/videos');
    assert.deepEqual(listedIds(listB.json), [b.id]);
    assert.doesNotMatch(JSON.stringify(listB.json), /secret prompt of key A/);
    assert.equal(listB.json.first_id, b.id);

    // B gets exactly what an unknown id gets.
    const unknown = await call(h, KEY_B, 'GET', '/videos/video_000000000000000000000000');
    for (const [method, path] of [['GET', `/videos/${a.id}`], ['GET', `/videos/${a.id}/content`], ['DELETE', `/videos/${a.id}`]] as const) {
      const res = await call(h, KEY_B, method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      const err = res.json.error as { code: string; type: string };
      assert.equal(err.code, 'video_not_found');
      assert.equal(err.type, (unknown.json.error as { type: string }).type);
      assert.doesNotMatch(JSON.stringify(res.json), /secret prompt/);
    }

    // A's job survived B's delete attempt and is still A's to read, download and delete.
    const readA = await call(h, KEY_A, 'GET', `/videos/${a.id}`);
    assert.equal(readA.status, 200);
    assert.equal(readA.json.prompt, 'secret prompt of key A');
    const content = await fetch(`${h.baseURL}/videos/${a.id}/content`, { redirect: 'manual', headers: { authorization: `Bearer ${KEY_A}` } });
    assert.equal(content.status, 302);
    await content.arrayBuffer();
    assert.equal((await call(h, KEY_A, 'DELETE', `/videos/${a.id}`)).status, 200);
    assert.equal((await call(h, KEY_A, 'GET', `/videos/${a.id}`)).status, 404);
    // B's own job is untouched by A's delete.
    assert.equal((await call(h, KEY_B, 'GET', `/videos/${b.id}`)).status, 200);
  });

  void it('the owner id is not the key and never shows in job objects or logs', async () => {
    const job = await createFinishedJob(h, KEY_A, 'another one');
    const got = await call(h, KEY_A, 'GET', `/videos/${job.id}`);
    assert.deepEqual(Object.keys(got.json).filter((k) => /owner|key/i.test(k)), []);
    const logs = h.logs.join('');
    assert.doesNotMatch(logs, new RegExp(KEY_A));
    assert.doesNotMatch(logs, /"key:[0-9a-f]{32}"/);
  });
});

void describe('video jobs on an open gateway (no API keys)', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness({ config: { app: { api_keys: [] } } });
  });
  after(() => h.close());

  void it('every client is the same owner', async () => {
    const job = await createFinishedJob(h, 'whatever-1', 'shared prompt');
    const other = await call(h, 'something-else', 'GET', `/videos/${job.id}`);
    assert.equal(other.status, 200);
    assert.deepEqual(listedIds((await call(h, 'something-else', 'GET', '/videos')).json), [job.id]);
  });
});
