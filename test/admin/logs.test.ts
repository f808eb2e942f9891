// /api/logs*, /api/stats and /api/cache*: calls appear in the call log (memory at once, the store
// within a flush), filters, statistics, deletion, reload after a restart.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CallLogRecord } from '../../src/store/index.js';
import { loggedIn, startAdmin, waitFor, type AdminClient } from './helpers.js';

const API_KEY = 'sk-test-logs-key-0123456789';
const TOKEN = 'sso-token-logs-0001-zzzzzzzzzzzzzzzz';
const dataDir = mkdtempSync(join(tmpdir(), 'g2a-admin-logs-'));
let c: AdminClient;

interface Page {
  total: number;
  page: number;
  pageSize: number;
  items: CallLogRecord[];
}

before(async () => {
  c = await loggedIn({ dataDir, apiKey: API_KEY, tokens: [TOKEN], overrides: { calllog: { flush_interval: 0.2 } } });
});
after(async () => {
  for (const a of c.answers) {
    assert.equal(a.body.includes(API_KEY), false, `${a.method} ${a.path} leaked the API key`);
    assert.equal(a.body.includes(TOKEN), false, `${a.method} ${a.path} leaked the token`);
  }
  await c.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const logs = async (query = ''): Promise<Page> => {
  const res = await c.call('GET', `/api/logs${query}`);
  assert.equal(res.status, 200, res.body);
  return res.json<Page>();
};
const fileLines = (): CallLogRecord[] => {
  const path = join(dataDir, 'call_logs.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as CallLogRecord);
};

void describe('admin call log', () => {
  void it('records a chat call with its model, status, account and key; the store has it within a flush', async () => {
    const t0 = Date.now();
    const res = await c.h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'log me' }] }, { headers: { 'x-request-id': 'req-log-me-1' } });
    assert.ok(res.choices[0]?.message.content);
    const page = await waitFor(async () => {
      const p = await logs();
      return p.total >= 1 ? p : undefined;
    }, 2000, 'the call in the log');
    const e = page.items[0] as CallLogRecord;
    assert.equal(e.requestId, 'req-log-me-1');
    assert.equal(e.model, 'grok-chat-fast');
    assert.equal(e.status, 200);
    assert.equal(e.endpoint, '/v1/chat/completions');
    assert.equal(e.stream, false);
    assert.equal(e.account, 'sso-to****zzzz');
    assert.equal(e.apiKey, 'sk-tes****6789');
    assert.equal(e.attempts, 1);
    assert.ok(e.time >= t0 - 5 && e.latencyMs >= 0 && (e.completionTokens ?? 0) > 0);
    await waitFor(() => fileLines().some((l) => l.requestId === 'req-log-me-1'), 2000, 'the flush');
  });

  void it('records failures with their kind, streams, and not the admin API itself', async () => {
    await assert.rejects(c.h.openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }), /does not exist/);
    const stream = await c.h.openai.chat.completions.create({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 'stream' }] });
    for await (const _ of stream) void _;
    c.h.sim.setToken(TOKEN, { status: 500 });
    await assert.rejects(c.h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'fail' }] }));
    c.h.sim.setToken(TOKEN, {});
    const page = await waitFor(async () => {
      const p = await logs();
      return p.total >= 4 ? p : undefined;
    }, 2000, 'four calls');
    assert.equal(page.total, 4, 'admin calls are not logged');
    assert.ok(page.items.every((e) => e.endpoint.startsWith('/v1/')));
    const [failed, streamed, missing] = page.items;
    assert.equal(failed?.status, 502);
    assert.equal(failed?.kind, 'upstream-5xx');
    assert.equal(streamed?.stream, true);
    assert.equal(streamed?.status, 200);
    assert.ok(streamed?.ttfbMs !== undefined);
    assert.equal(missing?.status, 404);
    assert.equal(missing?.model, 'no-such-model');
    assert.equal(missing?.error, 'model_not_found');
  });

  void it('filters and pages', async () => {
    const all = await logs();
    assert.equal((await logs('?model=grok-chat-fast')).total, 3);
    assert.equal((await logs('?status=error')).total, 2);
    assert.equal((await logs('?status=success')).total, 2);
    assert.equal((await logs('?status=404')).total, 1);
    assert.equal((await logs('?status=5xx')).total, 1);
    assert.equal((await logs('?kind=upstream-5xx')).total, 1);
    assert.equal((await logs('?api_key=sk-tes****6789')).total, 4);
    assert.equal((await logs('?api_key=other')).total, 0);
    assert.equal((await logs('?account=sso-to****zzzz')).total, 3);
    assert.equal((await logs('?stream=true')).total, 1);
    assert.equal((await logs('?request_id=req-log-me-1')).total, 1);
    const newest = all.items[0] as CallLogRecord;
    assert.equal((await logs(`?from=${new Date(newest.time).toISOString()}`)).items[0]?.id, newest.id);
    assert.equal((await logs(`?to=${newest.time}`)).total, 3);
    const p2 = await logs('?page_size=3&page=2');
    assert.deepEqual([p2.total, p2.page, p2.pageSize, p2.items.length], [4, 2, 3, 1]);
    assert.equal(p2.items[0]?.id, all.items[3]?.id);
    for (const bad of ['?status=teapot', '?from=yesterday', '?page_size=501', '?stream=maybe']) {
      assert.equal((await c.call('GET', `/api/logs${bad}`)).status, 400, bad);
    }
  });

  void it('gives facets and statistics', async () => {
    const f = (await c.call('GET', '/api/logs/models')).json<{ models: Array<{ model: string; count: number }>; accounts: unknown[]; apiKeys: unknown[] }>();
    assert.deepEqual(f.models, [
      { model: 'grok-chat-fast', count: 3 },
      { model: 'no-such-model', count: 1 },
    ]);
    const s = (await c.call('GET', '/api/logs/stats?bucket=minute')).json<{
      total: number;
      success: number;
      successRate: number;
      latencyMs: { p50: number; p99: number };
      byModel: Array<{ model: string; total: number; failed: number; p50LatencyMs: number | null }>;
      errorsByKind: Array<{ kind: string; count: number }>;
      buckets: { size: string; items: Array<{ t: number; total: number }> };
    }>();
    assert.equal(s.total, 4);
    assert.equal(s.successRate, 0.5);
    assert.ok(s.latencyMs.p50 !== null && s.latencyMs.p99 >= s.latencyMs.p50);
    assert.deepEqual(s.byModel[0], { model: 'grok-chat-fast', total: 3, success: 2, failed: 1, p50LatencyMs: s.byModel[0]?.p50LatencyMs });
    assert.deepEqual(s.errorsByKind.map((e) => e.kind).sort(), ['model_not_found', 'upstream-5xx']);
    assert.equal(s.buckets.size, 'minute');
    assert.equal(s.buckets.items.reduce((n, b) => n + b.total, 0), 4);
    const filtered = (await c.call('GET', '/api/logs/stats?model=no-such-model')).json<{ total: number }>();
    assert.equal(filtered.total, 1);

    const stats = (await c.call('GET', '/api/stats')).json<{
      accounts: { total: number };
      byTier: Record<string, { total: number }>;
      quota: Record<string, { remaining: number; total: number }>;
      requests: { lastMinute: number; lastHour: number; successRateLastHour: number };
      storage: { mode: string; healthy: boolean };
      callLog: { retained: number };
    }>();
    assert.equal(stats.accounts.total, 1);
    assert.equal(stats.byTier.basic?.total, 1);
    assert.ok(stats.quota.fast && stats.quota.fast.total > 0);
    assert.equal(stats.requests.lastMinute, 4);
    assert.equal(stats.requests.successRateLastHour, 0.5);
    assert.deepEqual(stats.storage, { mode: 'file', healthy: true, lastError: null });
    assert.equal(stats.callLog.retained, 4);
  });

  void it('reports and clears the media cache', async () => {
    const empty = (await c.call('GET', '/api/cache/size')).json<{ bytes: number; images: { files: number; limitBytes: number }; videos: { files: number } }>();
    assert.deepEqual([empty.bytes, empty.images.files, empty.videos.files], [0, 0, 0]);
    assert.ok(empty.images.limitBytes > 0);
    await c.h.gw.media.cache.store('image', Buffer.alloc(1000, 1), 'png');
    await c.h.gw.media.cache.store('video', Buffer.alloc(3000, 2), 'mp4');
    const size = (await c.call('GET', '/api/cache/size')).json<{ bytes: number; images: { files: number; bytes: number }; videos: { files: number } }>();
    assert.deepEqual([size.bytes, size.images.files, size.images.bytes, size.videos.files], [4000, 1, 1000, 1]);
    const cleared = await c.call('POST', '/api/cache/clear', { kind: 'image' });
    assert.equal(cleared.status, 200, cleared.body);
    assert.deepEqual(cleared.json(), { ok: true, files: 1, bytes: 1000 });
    const all = await c.call('POST', '/api/cache/clear');
    assert.equal(all.status, 200, 'a body is optional');
    assert.deepEqual(all.json(), { ok: true, files: 1, bytes: 3000 });
    assert.equal((await c.call('GET', '/api/cache/size')).json<{ bytes: number }>().bytes, 0);
    assert.equal((await c.call('POST', '/api/cache/clear', { kind: 'audio' })).status, 400);
  });

  void it('reloads the log from the store after a restart', async () => {
    await c.close();
    c = await loggedIn({ dataDir, apiKey: API_KEY, tokens: [TOKEN], overrides: { calllog: { flush_interval: 0.2 } } });
    const p = await logs();
    assert.equal(p.total, 4);
    assert.equal(p.items[3]?.requestId, 'req-log-me-1');
  });

  void it('deletes entries before a date, then all', async () => {
    const all = await logs();
    const cut = (all.items[1] as CallLogRecord).time;
    const res = await c.call('DELETE', `/api/logs?before=${new Date(cut).toISOString()}`);
    assert.equal(res.status, 200, res.body);
    const r = res.json<{ deleted: number; storeDeleted: number }>();
    assert.equal(r.deleted, all.items.filter((e) => e.time < new Date(new Date(cut).toISOString()).getTime()).length);
    assert.equal(r.storeDeleted, r.deleted);
    assert.equal((await logs()).total, 4 - r.deleted);
    assert.equal(fileLines().length, 4 - r.deleted);
    assert.equal((await c.call('DELETE', '/api/logs?before=soon')).status, 400);
    const gone = await c.call('DELETE', '/api/logs');
    assert.equal(gone.json<{ deleted: number }>().deleted, 4 - r.deleted);
    assert.equal((await logs()).total, 0);
    assert.equal(fileLines().length, 0);
  });
});

void describe('admin call log without a session', () => {
  void it('is not readable', async () => {
    const a = await startAdmin();
    try {
      assert.equal((await a.call('GET', '/api/logs')).status, 401);
    } finally {
      await a.close();
    }
  });
});
