// CORS for the OpenAI routes only (browser clients call /v1 directly); the admin API stays
// same-origin. Origins come from server.cors_origins ("*" allows any).
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Adds the CORS headers a /v1 request earns; answers a preflight (OPTIONS) itself. True when it
 * sent the reply. Called from the /v1 scope's onRequest hook only (v1-scope.ts), so no other
 * route ever answers with CORS headers, whatever its path looks like.
 */
export function applyCors(request: FastifyRequest, reply: FastifyReply, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false;
  const origin = request.headers.origin;
  const any = allowed.includes('*');
  if (!origin || (!any && !allowed.includes(origin))) return false;
  void reply.header('access-control-allow-origin', any ? '*' : origin);
  if (!any) void reply.header('vary', 'Origin');
  if (request.method !== 'OPTIONS') return false;
  void reply
    .header('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS')
    .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'authorization, content-type')
    .header('access-control-max-age', '86400')
    .code(204)
    .send();
  return true;
}
