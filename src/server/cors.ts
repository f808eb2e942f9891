// CORS for the OpenAI routes only (browser clients call /v1 directly); the admin API stays
// same-origin. Origins come from server.cors_origins ("*" allows any).
import type { FastifyInstance } from 'fastify';

export function installCors(app: FastifyInstance, origins: () => readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const allowed = origins();
    if (allowed.length === 0) return;
    const origin = request.headers.origin;
    const any = allowed.includes('*');
    if (!origin || (!any && !allowed.includes(origin))) return;
    void reply.header('access-control-allow-origin', any ? '*' : origin);
    if (!any) void reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      void reply
        .header('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS')
        .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'authorization, content-type')
        .header('access-control-max-age', '86400')
        .code(204)
        .send();
    }
  });
}
