// Security headers on every response. Set when the request arrives (not in onSend) so they also
// reach hijacked replies: SSE streams write their head themselves from reply.getHeaders().
// The console (/manage) and the admin API (/api) get a strict Content-Security-Policy too: same
// origin only, no inline script, no framing.
import type { FastifyReply } from 'fastify';

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

/** Sets the security headers (and the CSP where it applies); called from the server's single onRequest hook. */
export function applySecurityHeaders(url: string, reply: FastifyReply): void {
  void reply.headers(SECURITY_HEADERS);
  if (wantsCsp(url)) void reply.header('content-security-policy', CONSOLE_CSP);
}
