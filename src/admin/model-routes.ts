// GET /api/models: every configured model with whether the account pool can serve it now (an
// account, not invalid or disabled, of its minimum tier with its quota bucket). /v1/models lists
// only the servable enabled ones; this is where the operator sees the others, and why.
import type { FastifyInstance } from 'fastify';
import { tiersCanServe } from '../accounts/index.js';
import type { AdminDeps } from './admin-deps.js';

export function registerModelRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/models', async () => {
    const tiers = deps.accounts.servingTiers();
    return {
      servingTiers: [...tiers],
      models: deps.settings.config().models.map((m) => ({
        id: m.id,
        kind: m.kind,
        tier: m.tier,
        bucket: m.bucket,
        aliases: m.aliases,
        enabled: m.enabled,
        servable: tiersCanServe(tiers, m.tier, m.bucket),
        listed: m.enabled && tiersCanServe(tiers, m.tier, m.bucket),
      })),
    };
  });
}
