// GET /metrics: Prometheus text exposition. Open when metrics.token is empty; otherwise only for
// `Authorization: Bearer <token>` (compared in constant time, as API keys are). 404 when disabled.
import type { FastifyInstance } from 'fastify';
import { OpenAIHttpError } from '../openai/index.js';
import { checkApiKey } from './api-key-auth.js';
import type { Metrics } from '../metrics/index.js';

export interface MetricsRouteSettings {
  enabled: boolean;
  token: string;
}

export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, settings: () => MetricsRouteSettings): void {
  app.get('/metrics', async (request, reply) => {
    const s = settings();
    if (!s.enabled) throw new OpenAIHttpError(404, 'Metrics are disabled (metrics.enabled = false)', { code: 'unknown_route' });
    if (s.token !== '') {
      try {
        checkApiKey(request.headers.authorization, undefined, [s.token]);
      } catch {
        throw new OpenAIHttpError(401, 'Missing or wrong metrics token: send "Authorization: Bearer <metrics.token>"', {
          type: 'authentication_error',
          code: 'invalid_metrics_token',
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
    }
    const body = await metrics.render();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(body);
  });
}
