// The accounts' side of the egress seam: quota calls go direct until an egress is attached, then
// through the account's route (the egress runs and reports them); quota_info is offered only when
// the client has it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountIdFor, routedQuotaClient, type AccountEgress, type RoutableQuotaClient } from '../../src/accounts/index.js';
import type { GrokRoute } from '../../src/grok/index.js';

const TOKEN = 'sso-account-egress-token-01';

void describe('routedQuotaClient', () => {
  void it('direct before an egress is attached, through the account\'s route after', async () => {
    const seen: Array<{ call: string; route: GrokRoute | undefined }> = [];
    const client: RoutableQuotaClient = {
      rateLimits: async (_t, mode, opts) => {
        seen.push({ call: mode, route: opts?.route });
        return { remaining: 1, total: 2, windowSeconds: 60 };
      },
      quotaInfo: async (_t, opts) => {
        seen.push({ call: 'quota_info', route: opts?.route });
        return null;
      },
    };
    const route: GrokRoute = { transport: undefined, headers: undefined };
    const through: string[] = [];
    const egress: AccountEgress = {
      pinAccount: () => undefined,
      throughRoute: async (accountId, call) => {
        through.push(accountId);
        return call(route);
      },
    };
    const attached: { egress?: AccountEgress } = {};
    const routed = routedQuotaClient(client, () => attached.egress);
    await routed.rateLimits(TOKEN, 'auto');
    assert.deepEqual(seen, [{ call: 'auto', route: undefined }]);
    assert.deepEqual(through, []);
    attached.egress = egress;
    await routed.rateLimits(TOKEN, 'fast');
    await routed.quotaInfo?.(TOKEN);
    assert.deepEqual(through, [accountIdFor(TOKEN), accountIdFor(TOKEN)]);
    assert.strictEqual(seen[1]?.route, route);
    assert.strictEqual(seen[2]?.route, route);
  });

  void it('no quotaInfo when the client has none', () => {
    const routed = routedQuotaClient({ rateLimits: async () => null }, () => undefined);
    assert.equal(routed.quotaInfo, undefined);
  });
});
