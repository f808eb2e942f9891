// What the gateway expects of GET /api/auth/session (docs/grok-protocol.md "session identity"):
// a JSON object whose user id sits in one of a few known places. The answer carries many other
// keys (expiry, profile) that mean nothing to us, so its shapes are open: only the types of the
// fields we read, HTML instead of JSON, and an answer with no id where we look are findings.
import { checkShape, looksLikeHtml, type DriftFinding } from './check.js';
import { ign, opt, shape, type ShapeSpec } from './spec.js';

export const SESSION_ANSWER: ShapeSpec = shape(
  {
    status: opt('string'),
    session: opt('object', shape({ userId: opt('string'), email: opt('string') }, { open: true })),
    user: opt('object', shape({ id: opt('string'), userId: opt('string'), sub: opt('string'), email: opt('string') }, { open: true })),
    id: opt('string'),
    userId: opt('string'),
    sub: opt('string'),
    email: opt('string'),
    expires: ign(),
  },
  { open: true },
);

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);

/** Findings for a 2xx session answer (checked every time: one lookup per account, rarely repeated). */
export function checkSessionAnswer(text: string): DriftFinding[] {
  if (looksLikeHtml(text)) return [{ kind: 'html-body', path: 'session answer', type: 'html' }];
  let body: Obj | undefined;
  try {
    body = o(JSON.parse(text));
  } catch {
    return [{ kind: 'type-changed', path: 'session answer', type: 'not-json' }];
  }
  if (!body) return [{ kind: 'type-changed', path: 'session answer', type: 'not-object' }];
  const out = checkShape(body, SESSION_ANSWER, 'session');
  // A dead or blocked session legitimately has no id.
  if (typeof body.status === 'string' && /unauthenticated|blocked/i.test(body.status)) return out;
  const session = o(body.session);
  const user = o(body.user);
  const ids = [session?.userId, user?.id, user?.userId, user?.sub, body.id, body.userId, body.sub];
  if (!ids.some((v) => typeof v === 'string' && v.trim() !== '')) out.push({ kind: 'missing-field', path: 'session session.userId', type: 'undefined' });
  return out;
}
