// Security headers on every response. Set when the request arrives (not in onSend) so they also
// reach hijacked replies: SSE streams write their head themselves from reply.getHeaders().
// The console (/manage) and the admin API (/api) get a strict Content-Security-Policy too: same
// origin only, no inline script, no framing. Their scopes add it to the routes the router matched
// into them (addConsoleCsp), so `/%61pi/...` gets it like `/api/...`; the path text only decides
// for requests no route matched (their 404 answers).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function wantsCsp(url: string): boolean {
  return url === '/manage' || url.startsWith('/manage/') || url.startsWith('/manage?') || url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/** Sets the security headers (and the CSP on unmatched console/admin paths); called from the server's single onRequest hook. */
export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers(SECURITY_HEADERS);
  if (request.is404 && wantsCsp(request.url)) void reply.header('content-security-policy', CONSOLE_CSP);
}

/** Every route of `scope` (the console's, the admin API's) answers with the strict CSP. */
export function addConsoleCsp(scope: FastifyInstance): void {
  scope.addHook('onRequest', (_request, reply, done) => {
    void reply.header('content-security-policy', CONSOLE_CSP);
    done();
  });
}
