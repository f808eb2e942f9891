// Two gateways on one Redis: the generated admin password is created (and printed) once, sessions
// made on one instance work on the other, and a logout reaches the other within seconds.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startAdmin, sleep, type AdminClient } from './helpers.js';

const REDIS_URL = process.env.G2A_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `g2a_admin_test_${Date.now().toString(36)}`;

after(async () => {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  const keys = await client.keys(`${PREFIX}:*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
});

void describe('admin on a shared store', () => {
  void it('generates one password for all instances and shares sessions', { timeout: 30_000 }, async () => {
    const env = { STORAGE_MODE: 'redis', STORAGE_URL: REDIS_URL, GROK2API_STORAGE_KEY_PREFIX: PREFIX };
    const [a, b]: [AdminClient, AdminClient] = await Promise.all([startAdmin({ password: null, env }), startAdmin({ password: null, env })]);
    try {
      const printed = [...a.h.logs, ...b.h.logs].join('').split('\n').filter((l) => l.includes('was generated'));
      assert.equal(printed.length, 1, 'one instance generated and printed it');
      const password = /password \\"([A-Za-z0-9_-]{24})\\"/.exec(printed[0] ?? '')?.[1] as string;
      assert.ok(password);
      assert.equal((await a.login(password)).status, 200);
      assert.equal((await b.login(password)).status, 200);

      const token = (await a.call('POST', '/api/login', { username: 'admin', password, bearer: true })).json<{ token: string }>().token;
      const onB = (): Promise<number> => b.call('GET', '/api/session', undefined, { authorization: `Bearer ${token}`, cookie: '' }).then((r) => r.status);
      assert.equal(await onB(), 200, 'a session made on A works on B');
      assert.equal((await a.call('POST', '/api/logout', undefined, { authorization: `Bearer ${token}`, cookie: '' })).status, 200);
      await sleep(5200);
      assert.equal(await onB(), 401, 'the logout on A reached B');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
