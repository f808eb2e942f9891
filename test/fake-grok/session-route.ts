// GET /api/auth/session (docs/grok-protocol.md "session identity"): the token's stable user UUID
// in the `authenticated` envelope the real site returns, or the token's fate: HTTP 401 for a dead
// session, `{"status":"blocked"}` for a blocked account, the Cloudflare page for a challenged one.
// No statsig is required here.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkSso, errorFor, sessionNotFound } from './auth.js';
import { sendAnswer, sendJson } from './http-util.js';
import type { SimState } from './state.js';
import { userIdFor } from './token-registry.js';

export const SESSION_PATH = '/api/auth/session';

export function handleSession(state: SimState, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET') return sendJson(res, 405, { error: { code: 12, message: 'method not allowed', details: [] } }, { allow: 'GET' });
  const auth = checkSso(req.headers, (t) => state.tokens.isKnown(t));
  if (!auth.ok) return sendAnswer(res, sessionNotFound());
  const b = state.tokens.behavior(auth.token);
  const userId = userIdFor(auth.token);
  const session = { userId, email: `${createHash('sha256').update(auth.token).digest('hex').slice(0, 10)}@sim.example`, organizationId: 'org-sim' };
  let status = b.sessionStatus;
  if (status === undefined && (b.fateAt ?? 'session') === 'session') {
    if (b.status === 401) return sendAnswer(res, errorFor(401, b.variant));
    if (b.status === 403 && b.variant === 'blocked') status = 'blocked';
    else if (b.status === 403) return sendAnswer(res, errorFor(403, b.variant));
  }
  if (status === 'unauthenticated') return sendJson(res, 200, { status });
  sendJson(res, 200, { status: status ?? 'authenticated', session });
}
