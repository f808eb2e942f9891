// GET /api/auth/session → the account's user UUID (docs/grok-protocol.md "session identity").
// The mgw socket is addressed by it. Looked up through the account's route (same egress and
// clearance as its chat); failures are classified like any other upstream answer.
import type { AbortLike } from '../cancellation.js';
import { decodeContent } from '../content-encoding.js';
import { classifyHttpFailure, classifySessionStatus, classifyTransportError, GrokUpstreamError } from '../errors.js';
import type { GrokHeaders } from '../headers.js';
import type { Transport } from '../transport.js';
import { readLimitedText } from '../read-limited-text.js';
import { checkSessionAnswer, redactSample, redactText, type DriftMonitor } from '../drift/index.js';
import { sessionLookupHeaders } from './mgw-headers.js';

export const SESSION_PATH = '/api/auth/session';
const BODY_LIMIT = 64 * 1024;
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
/** Already canonical (what the account record stores): checked once per turn, so one test, no rewriting. */
const CANONICAL_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export interface SessionIdentity {
  userId: string;
  email: string | undefined;
}

/** The canonical lower-case 8-4-4-4-12 form of a UUID (braces/urn/no dashes accepted), or undefined (nil UUID too). */
export function canonicalUserId(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (raw.length === 36 && CANONICAL_RE.test(raw)) return raw === NIL_UUID ? undefined : raw;
  const s = raw.trim().replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1');
  if (!UUID_RE.test(s)) return undefined;
  const hex = s.replace(/-/g, '').toLowerCase();
  if (/^0+$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Parses a 2xx session body: status first (unauthenticated / blocked are account fates), then the ids. */
export function parseSession(text: string): SessionIdentity {
  let body: Obj | undefined;
  try {
    body = o(JSON.parse(text));
  } catch {
    body = undefined;
  }
  if (!body) throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'Grok session lookup: the answer is not a JSON object' });
  const fate = typeof body.status === 'string' ? classifySessionStatus(body.status) : undefined;
  if (fate) throw fate;
  const session = o(body.session);
  const user = o(body.user);
  const rawId = s(session?.userId) ?? s(user?.id) ?? s(user?.userId) ?? s(user?.sub) ?? s(body.id) ?? s(body.userId) ?? s(body.sub);
  const email = s(session?.email) ?? s(user?.email) ?? s(body.email);
  if (rawId === undefined) {
    throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: `Grok session lookup: session lacks identity${email ? ' (email only)' : ''}` });
  }
  const userId = canonicalUserId(rawId);
  if (userId === undefined) throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'Grok session lookup: account lacks a valid user_id (not a UUID)' });
  return { userId, email };
}

export interface SessionLookupOptions {
  baseUrl: string;
  transport: Transport;
  headers: GrokHeaders;
  timeoutMs: number;
  signal?: AbortLike | undefined;
  /** Protocol-drift checks of the answer (every answer: one lookup per account). */
  drift?: DriftMonitor | undefined;
}

/** Fetches the user id of `token` through the given egress. Throws classified GrokUpstreamErrors. */
export async function fetchSessionIdentity(token: string, opts: SessionLookupOptions): Promise<SessionIdentity> {
  if (opts.signal?.aborted) throw opts.signal.reason;
  const url = `${opts.baseUrl.replace(/\/+$/, '')}${SESSION_PATH}`;
  let text: string;
  let status: number;
  let retryAfter: string | undefined;
  try {
    const res = await opts.transport.request({
      method: 'GET',
      url,
      headers: sessionLookupHeaders(opts.headers, token, opts.baseUrl),
      signal: opts.signal,
      headersTimeoutMs: opts.timeoutMs,
      bodyIdleTimeoutMs: opts.timeoutMs,
    });
    status = res.status;
    const ra = res.headers['retry-after'];
    retryAfter = Array.isArray(ra) ? ra[0] : ra;
    const enc = res.headers['content-encoding'];
    const body = res.decoded ? res.body : decodeContent(res.body, Array.isArray(enc) ? enc.join(', ') : enc);
    text = await readLimitedText(body, BODY_LIMIT + 1);
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw classifyTransportError(err);
  }
  if (status < 200 || status >= 300) throw classifyHttpFailure(status, text, retryAfter);
  if (Buffer.byteLength(text) > BODY_LIMIT) throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'Grok session lookup: answer larger than 64 KiB' });
  if (opts.drift) reportSessionDrift(opts.drift, text);
  return parseSession(text);
}

function reportSessionDrift(drift: DriftMonitor, text: string): void {
  const findings = checkSessionAnswer(text);
  if (findings.length === 0) {
    drift.report(findings, { source: 'session' }, () => null);
    return;
  }
  drift.report(findings, { source: 'session' }, () => {
    try {
      return redactSample(JSON.parse(text));
    } catch {
      return redactText(text);
    }
  });
}
