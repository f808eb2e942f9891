// Parallel logins over real sockets: the lockout holds against bursts (attempts are counted before
// the password is hashed), a right password in a burst is refused while locked, the user lock holds
// across addresses, and a failed login never logs the typed user name.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { AdminCredentials } from '../../src/admin/index.js';
import { ADMIN_PASSWORD, sleep, startAdmin, waitFor, type AdminClient } from './helpers.js';

interface LoginAnswer {
  status: number;
  retryAfter: string | null;
  code: string | undefined;
  cookie: string | null;
}

async function login(c: AdminClient, password: string, headers: Record<string, string> = {}, username = 'admin'): Promise<LoginAnswer> {
  const res = await fetch(`${c.h.baseURL.replace(/\/v1$/, '')}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code, cookie: res.headers.get('set-cookie') };
}

void describe('admin login under parallel attempts', () => {
  // Counts password checks (each is one scrypt run) through the real credentials.
  let checks = 0;
  let delayMs = 0;
  before(() => {
    const verify = AdminCredentials.prototype.verify;
    mock.method(AdminCredentials.prototype, 'verify', async function (this: AdminCredentials, user: string, password: string) {
      checks++;
      if (delayMs > 0) await sleep(delayMs);
      return verify.call(this, user, password);
    });
  });
  after(() => mock.restoreAll());

  void it('200 wrong logins at once: at most 5 password checks run, the rest get 429 with Retry-After at once', async () => {
    const c = await startAdmin();
    try {
      checks = 0;
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => login(c, `wrong-${i}`)));
      assert.ok(checks <= 5, `${checks} password checks ran`);
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(answers.filter((a) => a.status === 401).length, checks, 'one 401 per check');
      assert.equal(refused.length, 200 - checks);
      for (const a of refused) {
        assert.equal(a.code, 'too_many_attempts');
        assert.ok(Number(a.retryAfter) >= 1, `Retry-After ${a.retryAfter}`);
      }
      // The burst keeps counting until the address is locked: wrong attempts one after another.
      for (let i = 0; i < 5 && checks < 5; i++) await login(c, 'wrong-again');
      assert.equal(checks, 5);
      const locked = await login(c, ADMIN_PASSWORD);
      assert.equal(locked.status, 429, 'the right password is refused once locked');
      assert.equal(checks, 5, 'no check ran for it');
    } finally {
      await c.close();
    }
  });

  void it('a right password sent while wrong ones are still being checked is refused, and does not reset the count', async () => {
    const c = await startAdmin();
    try {
      for (let i = 0; i < 4; i++) assert.equal((await login(c, `wrong-${i}`)).status, 401);
      checks = 0;
      delayMs = 300; // the fifth wrong one is still being checked when the right one arrives
      const fifth = login(c, 'wrong-4');
      await waitFor(() => checks === 1, 5000, 'the fifth wrong password to be under check');
      const right = await login(c, ADMIN_PASSWORD);
      assert.equal((await fifth).status, 401);
      delayMs = 0;
      assert.equal(right.status, 429, 'refused: the wrong attempt in flight may be the fifth failure');
      assert.equal(right.cookie, null);
      assert.equal(checks, 1, 'the right password was never checked');
      const later = await login(c, ADMIN_PASSWORD);
      assert.equal(later.status, 429, 'the address is locked now');
      assert.ok(Number(later.retryAfter) >= 25, `Retry-After ${later.retryAfter}`);
      // A burst of 39 wrong + the right one while locked: all refused, nothing checked.
      checks = 0;
      const burst = await Promise.all([...Array.from({ length: 39 }, (_, i) => login(c, `burst-${i}`)), login(c, ADMIN_PASSWORD)]);
      assert.deepEqual([...new Set(burst.map((a) => a.status))], [429]);
      assert.equal(checks, 0);
    } finally {
      delayMs = 0;
      await c.close();
    }
  });

  void it('locks the user across addresses', async () => {
    const c = await startAdmin();
    // Injected with a remote address each (what server.trust_proxy resolves X-Forwarded-For to).
    const from = async (remoteAddress: string, password: string, username = 'admin'): Promise<{ status: number; code: string | undefined }> => {
      const res = await c.h.gw.app.inject({ method: 'POST', url: '/api/login', remoteAddress, payload: { username, password } });
      return { status: res.statusCode, code: res.json<{ error?: { code?: string } }>().error?.code };
    };
    try {
      // 20 addresses, one wrong guess each: no address reaches its own limit of 5.
      for (let i = 0; i < 20; i++) assert.equal((await from(`203.0.113.${i + 1}`, `guess-${i}`)).status, 401, `guess ${i}`);
      const right = await from('198.51.100.7', ADMIN_PASSWORD);
      assert.deepEqual(right, { status: 429, code: 'too_many_attempts' }, 'the user is locked, whatever the address');
      // Another user name from another address is still checked (and fails normally).
      assert.equal((await from('198.51.100.8', 'whatever', 'somebody')).status, 401);
    } finally {
      await c.close();
    }
  });

  void it('logs a failed login without the typed user name (a tag and its length instead)', async () => {
    const c = await startAdmin();
    try {
      const typed = 'Hunter2-my-real-password!';
      assert.equal((await login(c, 'wrong', {}, typed)).status, 401);
      assert.equal((await login(c, 'wrong', {}, typed)).status, 401);
      assert.equal((await login(c, 'wrong')).status, 401);
      const logs = c.h.logs.join('');
      assert.equal(logs.includes(typed), false, 'the typed text is not logged');
      assert.equal(logs.includes(typed.slice(0, 8)), false);
      const lines = logs
        .split('\n')
        .filter((l) => l.includes('admin: failed login'))
        .map((l) => JSON.parse(l) as { user?: string; userTag?: string; userLength?: number });
      assert.equal(lines.length, 3);
      assert.match(String(lines[0]?.userTag), /^[0-9a-f]{8}$/);
      assert.equal(lines[0]?.userLength, typed.length);
      assert.equal(lines[1]?.userTag, lines[0]?.userTag, 'the same text gives the same tag');
      assert.equal(lines[0]?.user, undefined);
      assert.equal(lines[2]?.user, 'admin', 'the configured user name is named');
    } finally {
      await c.close();
    }
  });
});
