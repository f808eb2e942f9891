// Public types of the Grok simulator. Other tests and the benchmarks code against these,
// so changes here must stay backwards compatible (add optional fields only).

/** One rate-limit window as /rest/rate-limits reports it (docs/grok-protocol.md §11.1). */
export interface FakeQuotaWindow {
  remaining: number;
  total: number;
  windowSeconds: number;
}

export interface FakeTokenBehavior {
  /** Answer every request from this token with this HTTP status before streaming (e.g. 401, 403, 429, 500, 502). */
  status?: number;
  /**
   * Body variant for 403: 'html' = Cloudflare "Just a moment..." page (the default),
   * 'blocked' = JSON {"error":{"code":7,"message":"blocked-user"}}, 'json' = JSON anti-bot rejection,
   * 'safety' = JSON {"error":{"code":7,"message":"Content violates usage guidelines"}} (a safety refusal).
   * For other statuses 'html' forces an HTML error page and 'json' a JSON body.
   */
  variant?: 'html' | 'blocked' | 'json' | 'safety';
  /** Emit in-band {"error":{"code":8,"message":"Too many requests"}} after the first answer token. */
  inBandRateLimit?: boolean;
  /**
   * Per-mode quota (key = modeId, or modelName for legacy/image-edit/video bodies); default
   * FakeGrokOptions.defaultQuota. Each accepted chat takes one; 0 → HTTP 429. A window refills
   * windowSeconds after its first query was taken.
   */
  quota?: Partial<Record<string, FakeQuotaWindow>>;
  /** Fail the first N uploads of this token (then succeed). */
  uploadFailures?: number;
  /** How a failed upload fails: 'reset' destroys the socket, 502 answers HTTP 502. Default 502. */
  uploadFailMode?: 'reset' | 502;
  /**
   * The `status` GET /api/auth/session reports. Default: derived from `status` (401 → HTTP 401,
   * 403 blocked → "blocked", other 403 → the 403 page, anything else → "authenticated").
   */
  sessionStatus?: 'authenticated' | 'unauthenticated' | 'blocked';
  /**
   * Where the mgw path meets the token's `status` fate: 'session' (default: 401/403 at the session
   * lookup, every status at the handshake), 'handshake' (the lookup succeeds, the upgrade is
   * refused with the HTTP answer), 'event' (lookup and upgrade succeed, an `error` event follows
   * response.create).
   */
  fateAt?: 'session' | 'handshake' | 'event';
  /** Answer the first N uploads with HTTP 200 and a non-empty `terminalError` (the upload was rejected). */
  uploadTerminalErrors?: number;
  /** Answer uploads with `uploadId` only (no fileMetadata), as an upload completing asynchronously does. */
  uploadIdOnly?: boolean;
  /**
   * The answer of /rest/media/imagine/quota_info, per key (`image`, `imagePro`, `imageEdit`, `video`,
   * `video720p`); null = product not offered. Missing keys get the default bucket.
   */
  mediaQuota?: Partial<Record<FakeMediaQuotaKey, FakeMediaBucket | null>>;
  /**
   * Replay mode (replay.ts): answer with this recorded fixture file (absolute path) instead of a
   * scripted answer. REST chat plays a *.ndjson file as the stream body, the mgw socket a *.jsonl
   * file of server frames, the imagine socket a *.jsonl file of its frames; verbatim.
   */
  replay?: string;
}

export type FakeMediaQuotaKey = 'image' | 'imagePro' | 'imageEdit' | 'video' | 'video720p';

/** One quota_info bucket as the server answers it (every field optional: the live site omits some). */
export interface FakeMediaBucket {
  available?: boolean;
  remainingQueries?: number;
  windowSizeSeconds?: number;
  nextAvailableAt?: string;
}

export interface FakeGrokOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Port of the grok.com stand-in; default 0 (ephemeral). The assets origin always gets an ephemeral port. */
  port?: number;
  /** Known tokens; other tokens get 401 unless acceptAnyToken. */
  tokens?: Record<string, FakeTokenBehavior>;
  /** Treat unknown tokens as valid with default behaviour (benchmarks, `npm run sim`). Default false. */
  acceptAnyToken?: boolean;
  /** Delay between streamed frames in ms. Default 0 (benchmarks); tests pass small values. */
  tokenDelayMs?: number;
  /** Default true: a missing or non-base64 x-statsig-id on REST routes → 403 "Just a moment..." HTML. */
  requireStatsig?: boolean;
  /** Quota window of tokens/modes without an explicit one; default {remaining: 1000, total: 1000, windowSeconds: 7200}. */
  defaultQuota?: Partial<FakeQuotaWindow>;
  /** Keep at most this many RecordedRequests (oldest dropped first); default 10 000. */
  maxRecordedRequests?: number;
}

export interface RecordedRequest {
  /** HTTP method; 'WS' for a text message received on the imagine or mgw WebSocket. */
  method: string;
  /** Path including the query string. Assets-origin requests are recorded with their own path too. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /**
   * Parsed JSON, or the raw string when it is not JSON; undefined when the body was empty. A
   * multipart body is `{multipart: [{name, filename (as sent, escapes kept), contentType, base64}]}`.
   */
  body: unknown;
  /** The `sso` cookie value, if any. */
  token: string | undefined;
  /** Date.now() when the request (or WS message) was complete. */
  at: number;
  /** Which origin received it: 'app' (grok.com stand-in) or 'assets'. */
  origin?: 'app' | 'assets';
}

export interface FakeGrok {
  /** http://127.0.0.1:PORT — stands in for https://grok.com */
  baseUrl: string;
  /** http://127.0.0.1:PORT2 — stands in for https://assets.grok.com */
  assetsUrl: string;
  /** ws://127.0.0.1:PORT/ws/imagine/listen */
  wsUrl: string;
  /** Every request to every route, in order (a live array; clearRequests empties it in place). */
  requests: RecordedRequest[];
  setToken(token: string, behavior: FakeTokenBehavior): void;
  removeToken(token: string): void;
  clearRequests(): void;
  /** Number of open upstream answer connections: NDJSON streams (chat, image edit, video) and mgw chat sockets. */
  openStreams(): number;
  /** Number of mgw chat WebSockets open right now (server side). */
  openMgwSockets(): number;
  /** Every mgw conversation the simulator remembers: id → owner token and last response id. */
  /** mgw conversations kept for load_existing: owner token, last response id, the turns so far. */
  mgwConversations(): ReadonlyMap<string, { token: string; lastResponseId: string | undefined; turns: ReadonlyArray<{ prompt: string; answer: string; responseId: string }> }>;
  /**
   * Requests that carried `x-statsig-id` where the current web app sends none (uploads,
   * WebSocket handshakes, asset downloads), in order. Tests assert it stays empty.
   */
  statsigViolations(): Array<{ method: string; path: string }>;
  /** Closes both origins, every open socket and WebSocket, and all pending timers. */
  close(): Promise<void>;
}
