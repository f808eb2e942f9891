// GET /metrics end to end: Prometheus text with request, upstream, retry, latency, stream, pool,
// quota, store and process metrics, fed by real calls through the gateway; token and enable switch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../e2e/harness.js';

const KEY = 'sk-test-harness-key-000000';
const GOOD = 'sso-metrics-good-00000001';
const DEAD = 'sso-metrics-dead-00000002';

/** The value of one sample, matching every given label (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function scrape(h: Harness, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(h.baseURL.replace('/v1', '/metrics'), { headers });
}

async function chat(h: Harness, content: string, stream = false): Promise<number> {
  const res = await fetch(`${h.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'grok-chat-fast', stream, messages: [{ role: 'user', content }] }),
  });
  await res.text();
  return res.status;
}

void describe('/metrics', () => {
  let h: Harness;
  before(async () => {
    // Both accounts are unused, so the pool tries them in insertion order: DEAD (401) first.
    h = await startHarness({ tokens: [DEAD, GOOD], sim: { tokens: { [DEAD]: { status: 401 } } } });
  });
  after(async () => {
    await h.close();
  });

  void it('reports requests, upstream attempts, retries, failures, latency, pool, quota, store and process metrics', async () => {
    assert.equal(await chat(h, 'first'), 200); // meets DEAD (401) then GOOD: one retry
    assert.equal(await chat(h, 'streamed [sim:tokens=5]', true), 200);
    assert.equal(await chat(h, 'boom [sim:status=500]'), 502);
    assert.equal(await chat(h, 'third'), 200);
    const missing = await fetch(`${h.baseURL}/models/no-such-model`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(missing.status, 404);
    await missing.text();
    const res = await scrape(h);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    assert.equal(sample(text, 'grok2api_requests_total', { endpoint: '/v1/chat/completions', model: 'grok-chat-fast', status: '200' }), 3);
    assert.equal(sample(text, 'grok2api_requests_total', { endpoint: '/v1/chat/completions', model: 'grok-chat-fast', status: '502' }), 1);
    assert.equal(sample(text, 'grok2api_requests_total', { endpoint: '/v1/models/:id', status: '404' }), 1, 'routes are labelled by pattern');
    assert.equal(sample(text, 'grok2api_upstream_requests_total', { kind: 'ok', status: '200' }), 3);
    assert.equal(sample(text, 'grok2api_upstream_requests_total', { kind: 'invalid-credential', status: '401' }), 1);
    // Over mgw (the default) a scripted 500 is an in-stream error event (code 13), counted as 502.
    assert.equal(sample(text, 'grok2api_upstream_requests_total', { kind: 'upstream-5xx', status: '502' }), 1);
    assert.equal(sample(text, 'grok2api_retries_total'), 1);
    assert.equal(sample(text, 'grok2api_request_failures_total', { kind: 'upstream-5xx' }), 1);
    assert.equal(sample(text, 'grok2api_time_to_first_byte_seconds_count', { endpoint: '/v1/chat/completions', model: 'grok-chat-fast' }), 1, 'streams only');
    assert.equal(sample(text, 'grok2api_request_duration_seconds_count', { endpoint: '/v1/chat/completions', model: 'grok-chat-fast', stream: 'false' }), 3);
    assert.ok((sample(text, 'grok2api_request_duration_seconds_sum', { endpoint: '/v1/chat/completions', stream: 'true' }) ?? 0) > 0);
    assert.equal(sample(text, 'grok2api_accounts', { status: 'invalid', tier: 'basic' }), 1);
    assert.equal(sample(text, 'grok2api_accounts', { status: 'active', tier: 'basic' }), 1);
    assert.equal(sample(text, 'grok2api_accounts', { status: 'cooling', tier: 'heavy' }), 0, 'every status × tier is present');
    // GOOD spent 3 fast queries of its default basic window; DEAD (invalid) is not counted.
    const fastTotal = h.gw.accounts.pool.get([...h.gw.accounts.pool.all()].find((a) => a.rec.token === GOOD)?.rec.id ?? '')?.rec.quotas.fast?.total ?? 0;
    assert.equal(sample(text, 'grok2api_account_quota_remaining', { bucket: 'fast' }), fastTotal - 3);
    assert.equal(sample(text, 'grok2api_store_healthy', { mode: 'file' }), 1);
    assert.equal(typeof sample(text, 'grok2api_account_persistence_backlog'), 'number');
    assert.equal(sample(text, 'grok2api_store_write_failures_total'), 0);
    assert.equal(typeof sample(text, 'grok2api_calllog_pending'), 'number');
    assert.equal(sample(text, 'grok2api_calllog_dropped_total'), 0);
    assert.match(text, /^# TYPE grok2api_proxies gauge$/m, 'proxy health (no proxy configured here: no samples)');
    assert.equal(sample(text, 'grok2api_active_streams'), 0);
    assert.equal(sample(text, 'grok2api_inflight_requests'), 1, 'the scrape itself');
    assert.ok((sample(text, 'process_cpu_user_seconds_total') ?? -1) >= 0, 'default process metrics');
    assert.ok((sample(text, 'nodejs_heap_size_used_bytes') ?? 0) > 0);
    assert.ok(!text.includes(GOOD) && !text.includes(DEAD) && !text.includes(KEY), 'no secret in the metrics');
  });

  void it('unknown model names are not label values (bounded cardinality); /health and /metrics are not counted', async () => {
    await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'made-up-model-123', messages: [{ role: 'user', content: 'x' }] }),
    }).then((r) => r.text());
    await fetch(h.baseURL.replace('/v1', '/health')).then((r) => r.text());
    await fetch(h.baseURL.replace('/v1', '/nope/123')).then((r) => r.text());
    const text = await (await scrape(h)).text();
    assert.ok(!text.includes('made-up-model-123'));
    assert.equal(sample(text, 'grok2api_requests_total', { model: 'other', status: '404' }), 1);
    assert.equal(sample(text, 'grok2api_requests_total', { endpoint: 'unmatched', status: '404' }), 1);
    assert.ok(!text.includes('/nope/123'));
    assert.ok(!/grok2api_requests_total\{[^}]*endpoint="\/(health|metrics)"/.test(text));
  });

  void it('counts open SSE streams while they run', async () => {
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 'slow [sim:tokens=30] [sim:delay=20]' }] }),
    });
    const during = await (await scrape(h)).text();
    assert.equal(sample(during, 'grok2api_active_streams'), 1);
    await res.text();
    const later = await (await scrape(h)).text();
    assert.equal(sample(later, 'grok2api_active_streams'), 0);
  });
});

void describe('/metrics token and switch', () => {
  void it('metrics.token: 401 without or with a wrong bearer token, 200 with it', async () => {
    const token = 'metrics-secret-token-0001';
    const h = await startHarness({ overrides: { metrics: { enabled: true, token } } });
    try {
      let r = await scrape(h);
      assert.equal(r.status, 401);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
      const body = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'invalid_metrics_token');
      r = await scrape(h, { authorization: 'Bearer metrics-secret-token-0002' });
      assert.equal(r.status, 401);
      assert.ok(!(await r.text()).includes('metrics-secret-token'), 'neither token is echoed');
      r = await scrape(h, { authorization: `Bearer ${KEY}` });
      assert.equal(r.status, 401, 'an API key is not the metrics token');
      await r.text();
      r = await scrape(h, { authorization: `Bearer ${token}` });
      assert.equal(r.status, 200);
      assert.match(await r.text(), /grok2api_requests_total/);
    } finally {
      await h.close();
    }
  });

  void it('metrics.enabled = false → 404', async () => {
    const h = await startHarness({ overrides: { metrics: { enabled: false, token: '' } } });
    try {
      const r = await scrape(h);
      assert.equal(r.status, 404);
      await r.text();
    } finally {
      await h.close();
    }
  });
});
