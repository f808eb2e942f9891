// Existing grok2api users move over by leaving their token.json in DATA_DIR.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountIdFor } from '../../src/accounts/index.js';
import { startFakeGrok } from '../fake-grok/index.js';
import { startHarness } from './harness.js';

void describe('Python grok2api token.json', () => {
  void it('is imported once at start, with tiers, and serves requests', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-legacy-'));
    writeFileSync(join(dataDir, 'token.json'), JSON.stringify({ ssoBasic: [{ token: 'sso=legacy-basic-000001', note: 'old' }], ssoSuper: [{ token: 'legacy-super-000002' }] }));
    const sim = await startFakeGrok({ tokens: { 'legacy-basic-000001': {}, 'legacy-super-000002': {} } });
    try {
      let h = await startHarness({ tokens: [], dataDir }, sim);
      assert.equal(h.gw.accounts.pool.size, 2);
      assert.equal(h.gw.accounts.pool.get(accountIdFor('legacy-super-000002'))?.rec.tier, 'super');
      assert.equal(h.gw.accounts.pool.get(accountIdFor('legacy-basic-000001'))?.rec.note, 'old');
      const res = await h.openai.chat.completions.create({ model: 'grok-chat-expert', messages: [{ role: 'user', content: 'moved' }] });
      assert.equal(res.choices[0]?.message.content, 'Echo: moved');
      h.gw.accounts.remove([accountIdFor('legacy-basic-000001')]);
      await h.close();
      h = await startHarness({ tokens: [], dataDir }, sim);
      assert.equal(h.gw.accounts.pool.size, 1, 'not re-imported on restart (the operator deleted one)');
      await h.close();
    } finally {
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
