// Security headers on every response (hijacked SSE streams included), a strict CSP on the console
// and admin API, and CORS on /v1 only: /api never answers a cross-origin request with CORS headers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONSOLE_CSP } from '../../src/server/security-headers.js';
import { startHarness, type Harness } from '../e2e/harness.js';

const KEY = 'sk-test-harness-key-000000';

function assertCommon(headers: Headers, what: string): void {
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(headers.get('x-frame-options'), 'DENY', what);
}

void describe('security headers and CORS', () => {
  let h: Harness;
  let root: string;
  before(async () => {
    h = await startHarness({ overrides: { server: { cors_origins: ['https://app.example.com'] } } });
    root = h.baseURL.replace('/v1', '');
  });
  after(async () => {
    await h.close();
  });

  void it('every kind of response carries nosniff, no-referrer and DENY', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const cases: Array<[string, RequestInit]> = [
      ['/health', {}],
      ['/ready', {}],
      ['/metrics', {}],
      ['/v1/models', { headers: auth }],
      ['/v1/models', {}], // 401
      ['/v1/nope', { headers: auth }], // 404
      ['/v1/chat/completions', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{bad' }], // 400
      ['/v1/chat/completions', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hi' }] }) }],
    ];
    for (const [path, init] of cases) {
      const res = await fetch(`${root}${path}`, init);
      await res.arrayBuffer();
      assertCommon(res.headers, `${init.method ?? 'GET'} ${path} → ${res.status}`);
    }
  });

  void it('hijacked SSE streams carry them too, with x-request-id and the CORS header', async () => {
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', origin: 'https://app.example.com', 'x-request-id': 'sec-test-1' },
      body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assertCommon(res.headers, 'SSE');
    assert.equal(res.headers.get('x-request-id'), 'sec-test-1');
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com', 'browser clients can read streams');
    assert.ok((await res.text()).endsWith('data: [DONE]\n\n'));
  });

  void it('/manage and /api get the strict Content-Security-Policy; /v1 does not need it', async () => {
    for (const path of ['/manage', '/manage/', '/manage/app.js', '/api/accounts', '/api/login']) {
      const res = await fetch(`${root}${path}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get('content-security-policy'), CONSOLE_CSP, path);
      assertCommon(res.headers, path);
    }
    assert.match(CONSOLE_CSP, /default-src 'self'/);
    assert.match(CONSOLE_CSP, /frame-ancestors 'none'/);
    assert.ok(!CONSOLE_CSP.includes('unsafe-inline') && !CONSOLE_CSP.includes('unsafe-eval'));
    const v1 = await fetch(`${h.baseURL}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    await v1.arrayBuffer();
    assert.equal(v1.headers.get('content-security-policy'), null);
  });

  void it('CORS: /v1 answers allowed origins only; /api never sends CORS headers', async () => {
    const origin = 'https://app.example.com';
    const pre = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    const other = await fetch(`${h.baseURL}/models`, { headers: { origin: 'https://evil.example.net', authorization: `Bearer ${KEY}` } });
    await other.arrayBuffer();
    assert.equal(other.headers.get('access-control-allow-origin'), null);

    for (const method of ['OPTIONS', 'GET', 'POST']) {
      for (const path of ['/api/accounts', '/api/login', '/api']) {
        const res = await fetch(`${root}${path}`, {
          method,
          headers: { origin, 'access-control-request-method': 'POST', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
          ...(method === 'POST' ? { body: '{}' } : {}),
        });
        await res.arrayBuffer();
        for (const [name] of res.headers) assert.ok(!name.startsWith('access-control-'), `${method} ${path} sent ${name}`);
      }
    }
  });
});
