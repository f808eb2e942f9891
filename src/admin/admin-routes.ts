// The admin API under /api: one encapsulated Fastify plugin. Every route but POST /api/login needs
// an admin session; every state-changing one must come from the console's own origin (origin-check.ts). JSON in and out; errors in the OpenAI envelope. docs/admin-api.md documents it.
import type { FastifyInstance } from 'fastify';
import { addConsoleCsp } from '../server/index.js';
import type { AdminDeps } from './admin-deps.js';
import { adminError } from './admin-errors.js';
import { installAdminAuth, registerAuthRoutes } from './auth-routes.js';
import { registerLogRoutes } from './log-routes.js';
import { registerModelRoutes } from './model-routes.js';
import { installOriginCheck } from './origin-check.js';
import { registerProtocolRoutes } from './protocol-routes.js';
import { registerProxyRoutes } from './proxy-routes.js';
import { registerSettingsRoutes } from './settings-routes.js';
import { registerStatsRoutes } from './stats-routes.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerKeyRoutes } from '../keys/index.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function registerAdmin(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  await app.register(
    async (api) => {
      addConsoleCsp(api);
      // Admin answers are private and never cached by a proxy or the browser.
      api.addHook('onSend', async (_request, reply, payload) => {
        if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
        return payload;
      });
      // A write is answered only once it is in the store: a crash right after the answer must not
      // lose an added token or bring back a deleted one. (The hot path, counters and quota, stays
      // written behind.) Runs for every successful state-changing request, so no route can forget it.
      api.addHook('preSerialization', async (request, reply, payload) => {
        if (SAFE_METHODS.has(request.method) || reply.statusCode >= 400 || !deps.persistNow) return payload;
        try {
          await deps.persistNow();
        } catch (err) {
          deps.logger.error({ err: err instanceof Error ? err.message : String(err), route: request.routeOptions.url }, 'admin: change not saved to the store');
          throw adminError(
            503,
            'The change is applied but could not be saved to the store (it is unreachable or failing): it is kept in memory and retried, and is lost if the gateway stops before then',
            'storage_unavailable',
          );
        }
        return payload;
      });
      // Bodies may be omitted on POSTs that take none (logout, refresh-all, cache clear).
      api.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        if (text.trim() === '') {
          done(null, {});
          return;
        }
        try {
          // Keys that could reach an object's prototype when merged are dropped.
          done(null, JSON.parse(text, (key, value: unknown) => (key === '__proto__' || key === 'constructor' ? undefined : value)) as unknown);
        } catch (err) {
          (err as { statusCode?: number }).statusCode = 400;
          done(err as Error, undefined);
        }
      });
      installOriginCheck(api, () => deps.settings.config().app.app_url);
      installAdminAuth(api, deps);
      registerAuthRoutes(api, deps);
      registerTokenRoutes(api, deps);
      registerSettingsRoutes(api, deps);
      registerStatsRoutes(api, deps);
      registerLogRoutes(api, deps);
      registerProtocolRoutes(api, deps);
      registerModelRoutes(api, deps);
      if (deps.proxies) registerProxyRoutes(api, deps, deps.proxies);
      if (deps.clientKeys) registerKeyRoutes(api, { keys: deps.clientKeys, staticKeys: () => deps.settings.config().app.api_keys });
    },
    { prefix: '/api' },
  );
}
