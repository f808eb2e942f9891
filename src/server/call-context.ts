// Per-request facts gathered along the way and logged as one line when the response closes
// (works for normal replies and for hijacked SSE streams alike).
import type { FailureKind } from '../grok/errors.js';

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

declare module 'fastify' {
  interface FastifyRequest {
    call: CallContext;
  }
}
