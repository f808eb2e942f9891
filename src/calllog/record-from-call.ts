// A finished call (call-context.ts) → the entry the call log keeps. Accounts and API keys
// arrive masked already; long client-chosen strings (model names, error texts) are cut short.
import { randomBytes } from 'node:crypto';
import type { FinishedCall } from './call-context.js';
import { isRootAliasRoute } from './api-routes.js';
import type { CallLogRecord } from '../store/index.js';

const MAX_MODEL = 200;
const MAX_ERROR = 300;
const MAX_UPSTREAM = 10;
const MAX_TOOL_CALLS = 32;

/** Per-process random part of entry ids, so two instances never mint the same id. */
const INSTANCE = randomBytes(4).toString('hex');
let serial = 0;

// The time part of the last id: radix-36 conversion of a millisecond timestamp is one of the
// dearer steps of logging a call, and calls finishing in the same millisecond share it.
let prefixTime = -1;
let prefix = '';

export function newEntryId(time: number): string {
  serial = (serial + 1) % 0x7fffffff;
  if (time !== prefixTime) {
    prefixTime = time;
    prefix = `${time.toString(36)}-${INSTANCE}`;
  }
  return prefix + serial.toString(36);
}

const cut = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);

/**
 * Only API traffic is logged: /v1/*, its unprefixed aliases (/chat/completions, ...) and the MCP
 * endpoint /mcp; the admin API and the console's own requests are not. The matched route decides
 * (`/%761/models` is routed to /v1/models); the path text only for 404s.
 */
export function isApiCall(call: FinishedCall): boolean {
  const path = call.route ?? call.endpoint;
  return path.startsWith('/v1/') || path === '/mcp' || (call.route !== undefined && isRootAliasRoute(call.route));
}

export function recordFromCall(c: FinishedCall): CallLogRecord {
  const r: CallLogRecord = {
    id: newEntryId(c.startedAt),
    time: c.startedAt,
    requestId: c.requestId,
    method: c.method,
    endpoint: cut(c.endpoint, MAX_MODEL),
    status: c.status,
    latencyMs: c.latencyMs,
  };
  if (c.model !== undefined) r.model = cut(c.model, MAX_MODEL);
  if (c.stream !== undefined) r.stream = c.stream;
  if (c.apiKey !== undefined) r.apiKey = c.apiKey;
  if (c.account !== undefined) r.account = c.account;
  if (c.proxy !== undefined) r.proxy = c.proxy;
  if (c.kind !== undefined) r.kind = c.kind;
  if (c.error !== undefined) r.error = cut(c.error, MAX_ERROR);
  if (c.attempts !== undefined) r.attempts = c.attempts;
  if (c.upstream !== undefined && c.upstream.length > 0) {
    r.upstream = c.upstream.slice(0, MAX_UPSTREAM).map((u) => (u.kind === undefined ? { account: u.account, status: u.status } : { account: u.account, kind: u.kind, status: u.status }));
  }
  if (c.firstByteMs !== undefined) r.ttfbMs = c.firstByteMs;
  if (c.promptTokens !== undefined) r.promptTokens = c.promptTokens;
  if (c.completionTokens !== undefined) r.completionTokens = c.completionTokens;
  if (c.bytes !== undefined) r.bytes = c.bytes;
  if (c.toolCalls !== undefined && c.toolCalls.length > 0) r.toolCalls = c.toolCalls.slice(0, MAX_TOOL_CALLS).map((n) => cut(n, 64));
  if (c.continuation !== undefined) r.continuation = c.continuation;
  return r;
}
