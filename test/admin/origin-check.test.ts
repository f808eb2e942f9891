// State-changing admin requests from another origin are refused even with the session cookie (a
// page on the same site, another port, sends the SameSite=Strict cookie along, and a POST without
// a body needs no preflight). Scripts that send neither Origin nor Sec-Fetch-Site are unaffected.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../e2e/harness.js';
import { portOf, rawRequest, type RawResponse } from '../server/raw-http.js';

const PASSWORD = 'origin-check-admin-password';
const APP_URL = 'https://grok.example.com';

void describe('admin API: cross-origin state changes are refused', () => {
  let h: Harness;
  let port: number;
  let cookie: string;
  let own: string;
  before(async () => {
    h = await startHarness({ env: { GROK2API_ADMIN_PASSWORD: PASSWORD }, overrides: { app: { app_url: APP_URL } } });
    port = portOf(h.baseURL);
    own = `http://127.0.0.1:${port}`;
    const res = await login({});
    assert.equal(res.status, 200, res.body);
    cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  });
  after(async () => {
    await h.close();
  });

  const login = (headers: Record<string, string>): Promise<RawResponse> =>
    rawRequest(port, 'POST', '/api/login', { 'content-type': 'application/json', ...headers }, JSON.stringify({ username: 'admin', password: PASSWORD }));
  const clear = (headers: Record<string, string>): Promise<RawResponse> => rawRequest(port, 'POST', '/api/cache/clear', { cookie, ...headers });

  void it('refuses a bodiless POST with the cookie from another origin or site', async () => {
    const cases: Array<Record<string, string>> = [
      { origin: `http://127.0.0.1:${port + 1}` }, // same site, other port: the reported attack
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site', origin: own }, // the browser's verdict wins
    ];
    for (const headers of cases) {
      const res = await clear(headers);
      assert.equal(res.status, 403, `${JSON.stringify(headers)}: ${res.body}`);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'cross_site_request');
    }
  });

  void it('allows the console own origin, app.app_url, and clients that send neither header', async () => {
    const cases: Array<Record<string, string>> = [{}, { origin: own }, { origin: APP_URL }, { 'sec-fetch-site': 'same-origin', origin: own }, { 'sec-fetch-site': 'none' }];
    for (const headers of cases) {
      const res = await clear(headers);
      assert.equal(res.status, 200, `${JSON.stringify(headers)}: ${res.body}`);
    }
  });

  void it('covers login, logout and DELETE; reads are not affected', async () => {
    assert.equal((await login({ origin: 'https://evil.example' })).status, 403, 'login');
    assert.equal((await rawRequest(port, 'POST', '/api/logout', { cookie, 'sec-fetch-site': 'cross-site' })).status, 403, 'logout');
    assert.equal((await rawRequest(port, 'DELETE', '/api/logs?before=1', { cookie, origin: 'https://evil.example' })).status, 403, 'DELETE');
    assert.equal((await rawRequest(port, 'GET', '/api/session', { cookie, origin: 'https://evil.example' })).status, 200, 'GET');
    assert.equal((await rawRequest(port, 'GET', '/api/session', { cookie })).status, 200, 'the session is still there');
  });
});
