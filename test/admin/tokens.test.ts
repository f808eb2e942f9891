// /api/tokens*: listing (masked, paged, filtered, sorted), bulk add by line and from the Python
// token.json, the bulk edits, a real upstream test and refresh against the simulator, export, and
// no whole token or API key in any admin answer but the export.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loggedIn, waitFor, type AdminClient } from './helpers.js';

const T1 = 'sso-token-alpha-0001-aaaaaaaaaaaaaaaa';
const T2 = 'sso-token-bravo-0002-bbbbbbbbbbbbbbbb';
const DEAD = 'sso-token-dead-0003-cccccccccccccccccc';
const API_KEY = 'sk-test-admin-key-0123456789';

interface Row {
  id: string;
  token: string;
  tier: string;
  tierPinned: boolean;
  status: string;
  tags: string[];
  note: string;
  calls: number;
  quotas: Record<string, { remaining: number; total: number; resetAt: number; coolingUntil: number }>;
  lastErrorKind: string | null;
  proxy: string | null;
}
interface Listing {
  total: number;
  page: number;
  pageSize: number;
  items: Row[];
  tags: Array<{ tag: string; count: number }>;
  summary: { total: number; active: number };
}

let c: AdminClient;
before(async () => {
  c = await loggedIn({
    tokens: [T1, T2],
    apiKey: API_KEY,
    sim: {
      tokens: {
        [T1]: {
          quota: { auto: { remaining: 7, total: 20, windowSeconds: 7200 }, fast: { remaining: 9, total: 30, windowSeconds: 86_400 } },
          // As seen live: a bucket without remainingQueries, and products not offered (null).
          mediaQuota: { imagePro: { available: true, windowSizeSeconds: 64_800 }, imageEdit: { available: true, remainingQueries: 4, windowSizeSeconds: 86_400 }, video: null },
        },
      },
    },
  });
});
after(async () => {
  // Nothing but the export may carry a whole token or the API key.
  for (const a of c.answers) {
    if (a.path.startsWith('/api/tokens/export')) continue;
    for (const secret of [T1, T2, DEAD, API_KEY, ...extraTokens]) {
      assert.equal(a.body.includes(secret), false, `${a.method} ${a.path} leaked a secret`);
    }
  }
  await c.close();
});
const extraTokens: string[] = [];

async function list(query = ''): Promise<Listing> {
  const res = await c.call('GET', `/api/tokens${query}`);
  assert.equal(res.status, 200, res.body);
  return res.json<Listing>();
}

const idOf = async (masked: string): Promise<string> => {
  const row = (await list('?page_size=500')).items.find((r) => r.token === masked);
  assert.ok(row, `no row ${masked}`);
  return row.id;
};

void describe('admin tokens', () => {
  void it('lists the pool masked, with quotas and summary', async () => {
    const l = await list();
    assert.equal(l.total, 2);
    assert.equal(l.page, 1);
    assert.equal(l.pageSize, 50);
    assert.equal(l.summary.total, 2);
    const row = l.items.find((r) => r.token === 'sso-to****aaaa');
    assert.ok(row);
    assert.match(row.id, /^acc_[0-9a-f]{16}$/);
    assert.equal(row.status, 'active');
    assert.equal(row.proxy, null);
    assert.ok(row.quotas.fast && typeof row.quotas.fast.remaining === 'number' && 'resetAt' in row.quotas.fast && 'coolingUntil' in row.quotas.fast);
  });

  void it('adds tokens from lines, reporting each line, and updates instead of duplicating', async () => {
    const extra = Array.from({ length: 3 }, (_, i) => `sso-token-extra-${i}-${'e'.repeat(20)}`);
    extraTokens.push(...extra);
    const text = [`${extra[0]} super vip,team-a`, '# a comment', '', 'short', `${extra[1]}`, `sso=${extra[2]} tier=heavy`, `${extra[0]}`, `${T1} basic`].join('\n');
    const res = await c.call('POST', '/api/tokens/add', { text, tags: ['bulk'] });
    assert.equal(res.status, 200, res.body);
    const body = res.json<{ added: number; updated: number; errors: Array<{ line: number; message: string }>; results: Array<{ line: number; id: string; token: string; result: string }> }>();
    assert.equal(body.added, 3);
    assert.equal(body.updated, 2);
    assert.deepEqual(body.errors, [{ line: 4, message: 'token missing or too short' }]);
    assert.deepEqual(
      body.results.map((r) => [r.line, r.result, r.token]),
      [
        [1, 'added', 'sso-to****eeee'],
        [5, 'added', 'sso-to****eeee'],
        [6, 'added', 'sso-to****eeee'],
        [7, 'updated', 'sso-to****eeee'],
        [8, 'updated', 'sso-to****aaaa'],
      ],
    );
    const l = await list('?page_size=500');
    assert.equal(l.total, 5);
    const first = l.items.find((r) => r.id === body.results[0]?.id);
    assert.equal(first?.tier, 'super');
    assert.deepEqual(first?.tags, ['vip', 'team-a', 'bulk'], 'line 7 re-imports it without tags: the default tags are added');
    const second = l.items.find((r) => r.id === body.results[1]?.id);
    assert.deepEqual(second?.tags, ['bulk'], 'default tags apply to lines without tags');
    assert.equal(l.items.find((r) => r.id === body.results[2]?.id)?.tier, 'heavy');

    const empty = await c.call('POST', '/api/tokens/add', { text: '\n# nothing\n' });
    assert.equal(empty.status, 400);
  });

  void it('imports the Python token.json', async () => {
    const py = `sso-token-python-0004-${'p'.repeat(16)}`;
    extraTokens.push(py);
    const res = await c.call('POST', '/api/tokens/add', { tokenFile: { ssoSuper: { [py]: { note: 'from python', tags: ['legacy'] } }, ssoNormal: { x: {} } } });
    assert.equal(res.status, 200, res.body);
    const body = res.json<{ added: number; errors: unknown[] }>();
    assert.equal(body.added, 1);
    assert.equal(body.errors.length, 1);
    const row = (await list('?text=from%20python')).items[0];
    assert.equal(row?.tier, 'super');
    assert.equal(row?.note, 'from python');
    assert.deepEqual(row?.tags, ['legacy']);
  });

  void it('filters, sorts and pages', async () => {
    const all = await list('?page_size=500');
    assert.equal((await list('?tier=super')).items.every((r) => r.tier === 'super'), true);
    assert.equal((await list('?tier=super,heavy')).total, all.items.filter((r) => r.tier !== 'basic').length);
    assert.equal((await list('?tag=vip')).total, 1);
    assert.equal((await list('?text=AAAA')).total, 1, 'text matches the masked token, case-insensitively');
    assert.equal((await list(`?text=${all.items[0]?.id.slice(4, 14)}`)).total, 1, 'text matches the id');
    assert.equal((await list('?text=team-')).total, 1, 'text matches tags');
    assert.equal((await list('?status=invalid')).total, 0);
    const p1 = await list('?page_size=2&page=1&sort=id&order=asc');
    const p2 = await list('?page_size=2&page=2&sort=id&order=asc');
    const p3 = await list('?page_size=2&page=3&sort=id&order=asc');
    const ids = [...p1.items, ...p2.items, ...p3.items].map((r) => r.id);
    assert.deepEqual(ids, all.items.map((r) => r.id).sort());
    assert.equal(p1.total, all.total);
    assert.deepEqual(
      (await list('?sort=tier&order=desc&page_size=500')).items.map((r) => r.tier),
      all.items.map((r) => r.tier).sort((a, b) => ['basic', 'super', 'heavy'].indexOf(b) - ['basic', 'super', 'heavy'].indexOf(a)),
    );
    assert.ok(all.tags.some((t) => t.tag === 'vip' && t.count === 1));
    for (const bad of ['?page_size=501', '?page=0', '?sort=token', '?status=gone', '?tier=mega']) {
      const res = await c.call('GET', `/api/tokens${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.json<{ error: { type: string } }>().error.type, 'invalid_request_error');
    }
  });

  void it('sets tags, note, tier; disables, enables and deletes', async () => {
    const id = await idOf('sso-to****bbbb');
    const missing = 'acc_0000000000000000';
    const tags = await c.call('POST', '/api/tokens/tags', { ids: [id, missing], tags: ['x', 'y', 'x'] });
    assert.deepEqual(tags.json(), { updated: 1 });
    assert.equal((await c.call('POST', '/api/tokens/note', { ids: [id], note: 'hello' })).status, 200);
    assert.deepEqual((await c.call('POST', '/api/tokens/tier', { ids: [id], tier: 'super' })).json(), { updated: 1 });
    assert.equal((await c.call('POST', '/api/tokens/tier', { ids: [id], tier: 'mega' })).status, 400);
    let row = (await list('?tag=y')).items[0];
    assert.deepEqual([row?.tags, row?.note, row?.tier, row?.tierPinned], [['x', 'y'], 'hello', 'super', true]);
    assert.deepEqual((await c.call('POST', '/api/tokens/disable', { ids: [id] })).json(), { updated: 1 });
    assert.equal((await list('?status=disabled')).items[0]?.id, id);
    assert.deepEqual((await c.call('POST', '/api/tokens/enable', { ids: [id] })).json(), { updated: 1 });
    row = (await list('?tag=y')).items[0];
    assert.equal(row?.status, 'active');
    assert.equal((await c.call('POST', '/api/tokens/delete', { ids: [] })).status, 400);
    assert.equal((await c.call('POST', '/api/tokens/enable', {})).status, 400);
  });

  void it('tests an account upstream (quota sync and a tiny chat), masked', async () => {
    const id = await idOf('sso-to****aaaa');
    const res = await c.call('POST', '/api/tokens/test', { id, chat: true });
    assert.equal(res.status, 200, res.body);
    const body = res.json<{ ok: boolean; token: string; tier: string; sync: { ok: boolean; tier: string; windows: Record<string, { remaining: number }> }; chat: { ok: boolean; reply: string } }>();
    assert.equal(body.ok, true);
    assert.equal(body.sync.tier, 'basic', 'inferred from the auto window (20)');
    assert.equal(body.token, 'sso-to****aaaa');
    assert.equal(body.sync.ok, true);
    assert.equal(body.sync.windows.fast?.remaining, 9);
    assert.equal(body.chat.ok, true);
    assert.ok(body.chat.reply.length > 0);
    // Over the default chat transport (mgw): the socket of the account, whose user id was cached.
    assert.ok(c.h.sim.requests.some((r) => r.path.startsWith('/ws/mgw/') && r.token === T1));
    assert.match(c.h.gw.accounts.pool.get(id)?.rec.userId ?? '', /^[0-9a-f-]{36}$/);
    // The sync read only the auto and fast windows, then the media buckets.
    const modes = c.h.sim.requests.filter((r) => r.path === '/rest/rate-limits' && r.token === T1).map((r) => (r.body as { modelName: string }).modelName);
    assert.deepEqual([...new Set(modes)].sort(), ['auto', 'fast']);
    assert.ok(c.h.sim.requests.some((r) => r.path === '/rest/media/imagine/quota_info' && r.token === T1 && r.headers['x-statsig-id']));
    const row = (await list('?page_size=500')).items.find((r) => r.id === id) as Row & { mediaQuotas: Record<string, { available: boolean; remaining: number | null; windowSeconds: number | null }> };
    assert.deepEqual(Object.keys(row.mediaQuotas).sort(), ['image_edit', 'image_pro', 'video', 'video_720p']);
    assert.deepEqual([row.mediaQuotas.image_pro?.available, row.mediaQuotas.image_pro?.remaining, row.mediaQuotas.image_pro?.windowSeconds], [true, null, 64_800]);
    assert.equal(row.mediaQuotas.image_edit?.remaining, 4);
    assert.equal(row.mediaQuotas.video?.available, false);

    const syncOnly = await c.call('POST', '/api/tokens/test', { id });
    assert.equal(syncOnly.json<{ chat?: unknown }>().chat, undefined);

    // A token grok.com does not know: the test says why, and the account is marked invalid.
    extraTokens.push(DEAD);
    await c.call('POST', '/api/tokens/add', { text: DEAD });
    const deadId = await idOf('sso-to****cccc');
    const dead = await c.call('POST', '/api/tokens/test', { id: deadId, chat: true });
    const d = dead.json<{ ok: boolean; sync: { ok: boolean; kind: string }; chat: { ok: boolean; kind: string }; status: string }>();
    assert.equal(d.ok, false);
    assert.equal(d.sync.kind, 'invalid-credential');
    assert.equal(d.chat.kind, 'invalid-credential');
    assert.equal(d.status, 'invalid');
    assert.equal((await list('?status=invalid')).items[0]?.lastErrorKind, 'invalid-credential');

    assert.equal((await c.call('POST', '/api/tokens/test', { id: 'acc_0000000000000000' })).status, 404);
  });

  void it('refreshes quotas: listed ids (awaited) or all (queued, 202)', async () => {
    const id = await idOf('sso-to****aaaa');
    const res = await c.call('POST', '/api/tokens/refresh', { ids: [id, 'acc_0000000000000000'] });
    assert.equal(res.status, 200, res.body);
    const body = res.json<{ total: number; ok: number; failed: number; results: Array<{ id: string; ok: boolean; kind?: string }> }>();
    assert.deepEqual([body.total, body.ok, body.failed], [2, 1, 1]);
    assert.equal(body.results[1]?.kind, 'not-found');
    const before = c.h.sim.requests.filter((r) => r.path === '/rest/rate-limits').length;
    const all = await c.call('POST', '/api/tokens/refresh');
    assert.equal(all.status, 202, all.body);
    const queued = all.json<{ queued: number }>().queued;
    assert.ok(queued >= 5);
    await waitFor(() => c.h.gw.accounts.syncer.pending() === 0, 10_000, 'syncs');
    assert.ok(c.h.sim.requests.filter((r) => r.path === '/rest/rate-limits').length > before + queued);
  });

  void it('exports whole tokens as text lines (importable again) or JSON', async () => {
    const res = await c.call('GET', '/api/tokens/export');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(String(res.headers['content-disposition']), /attachment/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const lines = res.body.trim().split('\n');
    const listed = await list('?page_size=500');
    assert.equal(lines.length, listed.total);
    assert.ok(lines.includes(`${T2} super x,y`), res.body);
    const json = await c.call('GET', '/api/tokens/export?format=json');
    const tokens = json.json<{ tokens: Array<{ token: string; tier: string; tags: string[]; note: string; status: string }> }>().tokens;
    assert.ok(tokens.some((t) => t.token === T1));
    const one = await c.call('GET', `/api/tokens/export?ids=${await idOf('sso-to****aaaa')}`);
    assert.equal(one.body.trim().split(' ')[0], T1);
  });
});
