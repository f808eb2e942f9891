// /health is liveness (the process serves); /ready is the truth a container health check needs:
// 200 only when an account can serve, 503 with the reasons otherwise.
import type { FastifyInstance } from 'fastify';

export interface ReadinessReport {
  ready: boolean;
  reasons: string[];
  accounts: { total: number; active: number; cooling: number; invalid: number };
}

export function registerHealth(app: FastifyInstance, readiness: () => ReadinessReport): void {
  const startedAt = Date.now();
  app.get('/health', async () => ({ status: 'ok', uptime_seconds: Math.round((Date.now() - startedAt) / 1000) }));
  app.get('/ready', async (_request, reply) => {
    const r = readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not_ready', reasons: r.reasons, accounts: r.accounts });
  });
}
