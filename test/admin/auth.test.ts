// Admin authentication: sessions required on every /api route, login throttling, the generated
// first-start password, password changes and their precedence over admin.password.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ADMIN_PASSWORD, loggedIn, startAdmin, type AdminClient } from './helpers.js';

const ROUTES: Array<['GET' | 'POST' | 'DELETE', string]> = [
  ['POST', '/api/logout'],
  ['GET', '/api/session'],
  ['POST', '/api/password'],
  ['GET', '/api/tokens'],
  ['POST', '/api/tokens/add'],
  ['POST', '/api/tokens/delete'],
  ['POST', '/api/tokens/tags'],
  ['POST', '/api/tokens/note'],
  ['POST', '/api/tokens/tier'],
  ['POST', '/api/tokens/enable'],
  ['POST', '/api/tokens/disable'],
  ['POST', '/api/tokens/test'],
  ['POST', '/api/tokens/refresh'],
  ['GET', '/api/tokens/export'],
  ['GET', '/api/settings'],
  ['POST', '/api/settings'],
  ['GET', '/api/stats'],
  ['GET', '/api/cache/size'],
  ['POST', '/api/cache/clear'],
  ['GET', '/api/logs'],
  ['GET', '/api/logs/models'],
  ['GET', '/api/logs/stats'],
  ['DELETE', '/api/logs'],
];

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'g2a-admin-auth-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

void describe('admin auth', () => {
  void it('answers 401 JSON on every /api route without a session, and with a bad one', async () => {
    const c = await startAdmin();
    try {
      for (const [method, path] of ROUTES) {
        const variants: Array<Record<string, string>> = [{}, { cookie: 'g2a_admin=not-a-session' }, { authorization: 'Bearer nope' }];
        for (const headers of variants) {
          const res = await c.call(method, path, method === 'GET' ? undefined : {}, headers);
          assert.equal(res.status, 401, `${method} ${path}`);
          const body = res.json<{ error: { code: string; type: string; message: string; param: unknown } }>();
          assert.equal(body.error.code, 'unauthorized');
          assert.equal(body.error.type, 'authentication_error');
          assert.equal(body.error.param, null);
        }
      }
    } finally {
      await c.close();
    }
  });

  void it('logs in with a cookie (HttpOnly, SameSite=Strict) or a bearer session, and logs out', async () => {
    const c = await startAdmin();
    try {
      const wrong = await c.call('POST', '/api/login', { username: 'admin', password: 'wrong-password' });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json<{ error: { code: string } }>().error.code, 'invalid_credentials');
      const wrongUser = await c.call('POST', '/api/login', { username: 'root', password: ADMIN_PASSWORD });
      assert.equal(wrongUser.status, 401);
      const bad = await c.call('POST', '/api/login', { username: 'admin' });
      assert.equal(bad.status, 400);
      assert.equal(bad.json<{ error: { param: string } }>().error.param, 'password');

      const res = await c.login();
      assert.equal(res.status, 200);
      const cookie = String(res.headers['set-cookie']);
      assert.match(cookie, /^g2a_admin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
      const body = res.json<{ user: string; expiresAt: number; passwordSource: string; token?: string }>();
      assert.equal(body.user, 'admin');
      assert.equal(body.passwordSource, 'config');
      assert.equal(body.token, undefined, 'no token in the body unless asked');
      assert.ok(body.expiresAt > Date.now() + 11 * 3600_000);
      assert.equal((await c.call('GET', '/api/session')).status, 200);

      // Behind an https reverse proxy (trust_proxy off here: the header is ignored, no Secure).
      const viaProxy = await c.call('POST', '/api/login', { username: 'admin', password: ADMIN_PASSWORD }, { 'x-forwarded-proto': 'https' });
      assert.doesNotMatch(String(viaProxy.headers['set-cookie']), /Secure/);

      const bearer = await c.call('POST', '/api/login', { username: 'admin', password: ADMIN_PASSWORD, bearer: true });
      const token = bearer.json<{ token: string }>().token;
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const saved = c.cookie;
      c.cookie = undefined;
      const who = await c.call('GET', '/api/session', undefined, { authorization: `Bearer ${token}` });
      assert.equal(who.status, 200);
      assert.equal(who.json<{ user: string }>().user, 'admin');
      c.cookie = saved;

      const out = await c.call('POST', '/api/logout');
      assert.equal(out.status, 200);
      assert.match(String(out.headers['set-cookie']), /^g2a_admin=; .*Max-Age=0/);
      assert.equal((await c.call('GET', '/api/session')).status, 401, 'the session is gone');
      assert.equal((await c.call('GET', '/api/session', undefined, { authorization: `Bearer ${token}` })).status, 200, 'other sessions stay');
    } finally {
      await c.close();
    }
  });

  void it('sets Secure on the cookie when the request came over https (trust_proxy)', async () => {
    const c = await startAdmin({ overrides: { server: { trust_proxy: '127.0.0.1' } } });
    try {
      const res = await c.call('POST', '/api/login', { username: 'admin', password: ADMIN_PASSWORD }, { 'x-forwarded-proto': 'https' });
      assert.equal(res.status, 200);
      assert.match(String(res.headers['set-cookie']), /; Secure$/);
    } finally {
      await c.close();
    }
  });

  void it('locks an address out after 5 failed logins: 429 with Retry-After, even for the right password', async () => {
    const c = await startAdmin();
    try {
      for (let i = 0; i < 5; i++) {
        const res = await c.call('POST', '/api/login', { username: 'admin', password: `wrong-${i}` });
        assert.equal(res.status, 401, `attempt ${i + 1}`);
      }
      const locked = await c.login();
      assert.equal(locked.status, 429);
      assert.equal(locked.json<{ error: { code: string; type: string } }>().error.code, 'too_many_attempts');
      assert.equal(locked.json<{ error: { type: string } }>().error.type, 'rate_limit_error');
      const retryAfter = Number(locked.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
      assert.equal(c.cookie, undefined);
      // Another address is not affected.
      const other = await c.h.gw.app.inject({
        method: 'POST',
        url: '/api/login',
        remoteAddress: '10.1.2.3',
        payload: { username: 'admin', password: ADMIN_PASSWORD },
      });
      assert.equal(other.statusCode, 200);
    } finally {
      await c.close();
    }
  });

  void it('generates a password at first start, prints it once, and keeps it across restarts', async () => {
    const dataDir = tempDir();
    const first = await startAdmin({ password: null, dataDir });
    let password: string;
    try {
      const lines = first.h.logs.join('').split('\n').filter((l) => l.includes('was generated'));
      assert.equal(lines.length, 1, 'printed once');
      const m = /password \\"([A-Za-z0-9_-]{24})\\"/.exec(lines[0] ?? '');
      assert.ok(m, lines[0]);
      password = m[1] as string;
      assert.match(lines[0] ?? '', /change it/);
      assert.equal((await first.login('not-it-at-all')).status, 401);
      const res = await first.login(password);
      assert.equal(res.status, 200);
      assert.equal(res.json<{ passwordSource: string }>().passwordSource, 'generated');
      // Stored hashed, never in clear.
      const stored = await first.h.gw.store.kv.get('admin:password');
      assert.ok(stored && !stored.includes(password) && stored.includes('scrypt$'));
    } finally {
      await first.close();
    }
    const again = await startAdmin({ password: null, dataDir });
    try {
      assert.equal(again.h.logs.join('').includes('was generated'), false, 'not generated (or printed) again');
      assert.equal(again.h.logs.join('').includes(password), false);
      assert.equal((await again.login(password)).status, 200);
    } finally {
      await again.close();
    }
  });

  void it('keeps sessions across a restart (they live in the store)', async () => {
    const dataDir = tempDir();
    const a = await loggedIn({ dataDir });
    const cookie = a.cookie;
    await a.close();
    const b: AdminClient = await startAdmin({ dataDir });
    try {
      b.cookie = cookie;
      assert.equal((await b.call('GET', '/api/session')).status, 200);
    } finally {
      await b.close();
    }
  });

  void it('changes the password: checks the current one, min length, ends other sessions', async () => {
    const dataDir = tempDir();
    const c = await loggedIn({ dataDir });
    const NEW = 'a-brand-new-password';
    try {
      const other = await c.call('POST', '/api/login', { username: 'admin', password: ADMIN_PASSWORD, bearer: true });
      const otherToken = other.json<{ token: string }>().token;

      const short = await c.call('POST', '/api/password', { current: ADMIN_PASSWORD, next: 'short' });
      assert.equal(short.status, 400);
      assert.equal(short.json<{ error: { param: string } }>().error.param, 'next');
      const wrong = await c.call('POST', '/api/password', { current: 'not-the-password', next: NEW });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.json<{ error: { code: string } }>().error.code, 'wrong_password');
      const same = await c.call('POST', '/api/password', { current: ADMIN_PASSWORD, next: ADMIN_PASSWORD });
      assert.equal(same.status, 400);

      const ok = await c.call('POST', '/api/password', { current: ADMIN_PASSWORD, next: NEW });
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.json<{ sessionsEnded: number }>().sessionsEnded, 1);
      assert.equal((await c.call('GET', '/api/session')).status, 200, 'this session stays');
      assert.equal((await c.call('GET', '/api/session', undefined, { authorization: `Bearer ${otherToken}`, cookie: '' })).status, 401, 'others end');
      assert.equal((await c.login(ADMIN_PASSWORD)).status, 401, 'the configured password no longer works');
      const withNew = await c.login(NEW);
      assert.equal(withNew.status, 200);
      assert.equal(withNew.json<{ passwordSource: string }>().passwordSource, 'console');
      assert.equal((await c.call('GET', '/api/session')).json<{ passwordSource: string }>().passwordSource, 'console');
    } finally {
      await c.close();
    }
    // Same admin.password at the next start: the console password stays in force.
    const same = await startAdmin({ dataDir });
    try {
      assert.equal((await same.login(ADMIN_PASSWORD)).status, 401);
      assert.equal((await same.login(NEW)).status, 200);
    } finally {
      await same.close();
    }
    // admin.password changed by the operator: it wins (the reset path).
    const reset = await startAdmin({ dataDir, password: 'operator-reset-password' });
    try {
      assert.equal((await reset.login(NEW)).status, 401);
      const res = await reset.login('operator-reset-password');
      assert.equal(res.status, 200);
      assert.equal(res.json<{ passwordSource: string }>().passwordSource, 'config');
    } finally {
      await reset.close();
    }
  });
});
