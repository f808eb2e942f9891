// Video jobs made with a client key belong to that key (its id): another client key, or a static
// key, is told the job does not exist; the owner sees it. Polling a job does not spend requests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from './harness.js';
import { startMediaHarness } from './media-helpers.js';

async function call(h: Harness, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${h.baseURL}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
}

void describe('video jobs of client keys', () => {
  let h: Harness;
  before(async () => {
    h = await startMediaHarness();
  });
  after(() => h.close());

  void it("belong to the key's id: other keys get 404, the owner polls freely", async () => {
    const a = await h.gw.keys.create({ name: 'video a', limits: { rpm: 1 } });
    const b = await h.gw.keys.create({ name: 'video b' });
    const created = await call(h, a.secret, 'POST', '/videos', { model: 'grok-imagine-video', prompt: 'a cat on a boat' });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.headers.get('x-ratelimit-remaining-requests'), '0');
    const id = created.json.id as string;
    // The key's one request a minute is spent, yet polling its job still works (GETs are not counted).
    for (let i = 0; i < 200; i++) {
      const got = await call(h, a.secret, 'GET', `/videos/${id}`);
      assert.equal(got.status, 200, JSON.stringify(got.json));
      if (got.json.status === 'completed' || got.json.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal((await call(h, b.secret, 'GET', `/videos/${id}`)).status, 404);
    assert.equal((await call(h, 'sk-test-harness-key-000000', 'GET', `/videos/${id}`)).status, 404, 'a static key is another owner');
    const listB = await call(h, b.secret, 'GET', '/videos');
    assert.deepEqual((listB.json.data as Array<{ id: string }>).map((j) => j.id), []);
    const listA = await call(h, a.secret, 'GET', '/videos');
    assert.deepEqual((listA.json.data as Array<{ id: string }>).map((j) => j.id), [id]);
    const again = await call(h, a.secret, 'POST', '/videos', { model: 'grok-imagine-video', prompt: 'another' });
    assert.equal(again.status, 429);
  });
});
