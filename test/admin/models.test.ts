// /v1/models offers only what the account pool can serve (tier and quota bucket); the admin API's
// GET /api/models lists every model with that flag, so the operator sees what is hidden and why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { accountIdFor } from '../../src/accounts/index.js';
import { loggedIn, type AdminClient } from './helpers.js';

const TOKENS = ['sso-token-models-basic-0001', 'sso-token-models-basic-0002'];

interface AdminModel { id: string; servable: boolean; listed: boolean; enabled: boolean }

void describe('model listing by what the pool can serve', () => {
  let c: AdminClient;
  before(async () => {
    c = await loggedIn({ tokens: TOKENS });
  });
  after(async () => {
    await c.close();
  });

  const listed = async (): Promise<string[]> => (await c.h.openai.models.list()).data.map((m) => m.id);

  void it('basic accounts only: /v1/models offers the fast models; the rest are flagged in /api/models', async () => {
    const ids = await listed();
    assert.ok(ids.includes('grok-chat-fast'));
    for (const hidden of ['grok-chat-auto', 'grok-chat-expert', 'grok-chat-heavy', 'grok-imagine-image', 'grok-imagine-video']) {
      assert.ok(!ids.includes(hidden), `${hidden} is not offered by a basic-only pool`);
    }
    // Still described by id (it exists and is enabled; a call gets the pool's own error).
    assert.equal((await c.h.openai.models.retrieve('grok-chat-heavy')).id, 'grok-chat-heavy');
    const res = await c.call('GET', '/api/models');
    assert.equal(res.status, 200);
    const body = res.json<{ servingTiers: string[]; models: AdminModel[] }>();
    assert.deepEqual(body.servingTiers, ['basic']);
    const byId = new Map(body.models.map((m) => [m.id, m]));
    assert.equal(byId.get('grok-chat-fast')?.listed, true);
    assert.equal(byId.get('grok-chat-heavy')?.servable, false);
    assert.equal(byId.get('grok-chat-heavy')?.listed, false);
  });

  void it('a heavy account makes every model servable; disabling it hides them again', async () => {
    const id = accountIdFor(TOKENS[0] as string);
    c.h.gw.accounts.setTier([id], 'heavy');
    const ids = await listed();
    for (const m of ['grok-chat-fast', 'grok-chat-auto', 'grok-chat-expert', 'grok-chat-heavy', 'grok-imagine-image', 'grok-imagine-video']) assert.ok(ids.includes(m), m);
    const disabled = await c.call('POST', '/api/tokens/disable', { ids: [id] });
    assert.equal(disabled.status, 200, disabled.body);
    assert.ok(!(await listed()).includes('grok-chat-heavy'));
  });

  void it('GET /api/models needs an admin session', async () => {
    const res = await c.h.gw.app.inject({ method: 'GET', url: '/api/models' });
    assert.equal(res.statusCode, 401);
  });
});
