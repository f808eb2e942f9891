// GET /api/stats (the dashboard: pool by status and tier, quota left, in-flight calls, request
// rate and success rate from the call log, storage health) and the media cache endpoints.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AccountSummary } from '../accounts/index.js';
import { parseWith } from './admin-errors.js';
import type { AdminDeps } from './admin-deps.js';

const MEDIA_NOTE = 'The media cache is not implemented yet: nothing is cached, so there is nothing to clear.';

export function poolStats(deps: AdminDeps): {
  accounts: AccountSummary;
  byTier: Record<string, AccountSummary>;
  inflight: number;
  quota: Record<string, { remaining: number; total: number; accounts: number }>;
} {
  const now = (deps.now ?? Date.now)();
  const accounts = deps.accounts.summary(); // refreshes statuses
  const byTier: Record<string, AccountSummary> = {};
  const quota: Record<string, { remaining: number; total: number; accounts: number }> = {};
  let inflight = 0;
  for (const acc of deps.accounts.pool.all()) {
    const r = acc.rec;
    const t = (byTier[r.tier] ??= { total: 0, active: 0, cooling: 0, invalid: 0, disabled: 0 });
    t.total++;
    t[r.status]++;
    inflight += acc.inflight;
    if (r.status === 'invalid' || r.status === 'disabled') continue;
    for (const [bucket, w] of Object.entries(r.quotas)) {
      const q = (quota[bucket] ??= { remaining: 0, total: 0, accounts: 0 });
      // A window whose reset time passed counts as full again (what the pool will do on next use).
      q.remaining += w.resetAt > 0 && w.resetAt <= now ? w.total : w.coolingUntil > now ? 0 : w.remaining;
      q.total += w.total;
      q.accounts++;
    }
  }
  return { accounts, byTier, inflight, quota };
}

export function registerStatsRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/stats', async () => {
    const now = (deps.now ?? Date.now)();
    const minute = deps.callLog.recent(60_000);
    const hour = deps.callLog.recent(3_600_000);
    const all = deps.callLog.stats({}, 'hour');
    return {
      ...poolStats(deps),
      requests: {
        lastMinute: minute.total,
        lastHour: hour.total,
        perMinute: Math.round((hour.total / 60) * 10) / 10,
        successRateLastHour: hour.total === 0 ? null : hour.success / hour.total,
        retained: all.total,
        successRate: all.successRate,
        latencyMs: all.latencyMs,
      },
      callLog: { ...deps.callLog.status(), lastFlushError: deps.callLog.status().lastFlushError ?? null },
      storage: { mode: deps.store.mode, healthy: deps.store.healthy(), lastError: deps.store.lastError() ?? null },
      uptimeSeconds: Math.round((now - deps.startedAt) / 1000),
      time: now,
      ...(deps.extraStats ? await deps.extraStats() : {}),
    };
  });

  app.get('/cache/size', async () => {
    if (!deps.media) return { images: { files: 0, bytes: 0, limitBytes: 0 }, videos: { files: 0, bytes: 0, limitBytes: 0 }, bytes: 0, note: MEDIA_NOTE };
    return deps.media.size();
  });

  const clearBody = z.object({ kind: z.enum(['image', 'video', 'all']).default('all') });
  app.post('/cache/clear', async (request: FastifyRequest) => {
    const body = parseWith(clearBody, request.body, 'request body');
    if (!deps.media) return { ok: true, files: 0, bytes: 0, note: MEDIA_NOTE };
    const r = await deps.media.clear(body.kind === 'all' ? undefined : body.kind);
    deps.logger.info({ ...r, kind: body.kind }, 'admin: media cache cleared');
    return { ok: true, ...r };
  });
}
