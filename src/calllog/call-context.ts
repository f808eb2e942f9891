// Per-request facts gathered along the way and logged as one line when the response closes
// (works for normal replies and for hijacked SSE streams alike). Lives with the call log, its main
// reader, so the call log and metrics never import the HTTP shell (src/server/); the shell attaches
// a context to each request (server/request-call.ts).
import type { FailureKind } from '../grok/index.js';

export interface CallContext {
  endpoint: string;
  model?: string | undefined;
  stream?: boolean | undefined;
  /** Upstream path taken (grok-chat, imagine-ws, ...), so failures on one path are diagnosable. */
  path?: string | undefined;
  /** Masked account that served (or last failed) the call. */
  account?: string | undefined;
  attempts?: number | undefined;
  kind?: FailureKind | undefined;
  /** Client API key name (never the key). */
  apiKey?: string | undefined;
  /** Status actually sent (SSE streams that fail mid-way still carry 200 on the wire). */
  status?: number | undefined;
  firstByteMs?: number | undefined;
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
  bytes?: number | undefined;
  error?: string | undefined;
  /** Each upstream attempt: masked account, failure kind (undefined = success), upstream status. */
  upstream?: Array<{ account: string; kind: string | undefined; status: number }> | undefined;
  /** Proxy the upstream call went through (egress), masked. */
  proxy?: string | undefined;
  /** Names of the tool calls the answer made (emulated tool calling), in order. */
  toolCalls?: string[] | undefined;
  /** A turn that asked to continue a Grok conversation: continued there, or fell back (fresh). */
  continuation?: 'continued' | 'fallback' | undefined;
}

/**
 * A new context with every field present, always in this order: the route fills it in as the call
 * goes, and one object shape for all calls keeps the per-call readers (log line, call log, metrics)
 * on V8's fast monomorphic paths instead of a lookup per property.
 */
export function newCallContext(endpoint: string): CallContext {
  return {
    endpoint,
    model: undefined,
    stream: undefined,
    path: undefined,
    account: undefined,
    attempts: undefined,
    kind: undefined,
    apiKey: undefined,
    status: undefined,
    firstByteMs: undefined,
    promptTokens: undefined,
    completionTokens: undefined,
    bytes: undefined,
    error: undefined,
    upstream: undefined,
    proxy: undefined,
    toolCalls: undefined,
    continuation: undefined,
  };
}

/** The finished call, built field by field (same reason as newCallContext). */
export function finishedCall(c: CallContext, requestId: string, method: string, route: string | undefined, startedAt: number, status: number, latencyMs: number): FinishedCall {
  return {
    endpoint: c.endpoint,
    model: c.model,
    stream: c.stream,
    path: c.path,
    account: c.account,
    attempts: c.attempts,
    kind: c.kind,
    apiKey: c.apiKey,
    status,
    firstByteMs: c.firstByteMs,
    promptTokens: c.promptTokens,
    completionTokens: c.completionTokens,
    bytes: c.bytes,
    error: c.error,
    upstream: c.upstream,
    proxy: c.proxy,
    toolCalls: c.toolCalls,
    continuation: c.continuation,
    requestId,
    method,
    route,
    startedAt,
    latencyMs,
  };
}

/** What listeners (call log, metrics) receive once a call is over. */
export interface FinishedCall extends CallContext {
  requestId: string;
  method: string;
  /** Matched route pattern (`/v1/models/:id`), bounded unlike the raw path; undefined when no route matched. */
  route?: string | undefined;
  /** Epoch ms the request arrived. */
  startedAt: number;
  /** Status the client got (499 when it went away first). */
  status: number;
  latencyMs: number;
}

export type CallListener = (call: FinishedCall) => void;
