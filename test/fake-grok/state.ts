// Everything one simulator instance shares between its routes and origins.

import type { IncomingMessage } from 'node:http';
import { AssetStore } from './asset-store.js';
import type { ErrorAnswer } from './auth.js';
import { checkSso, cloudflareChallenge, errorFor, sessionNotFound, ssoToken, statsigOk } from './auth.js';
import { copyHeaders, decodeBody } from './http-util.js';
import { TokenRegistry } from './token-registry.js';
import type { FakeGrokOptions, FakeTokenBehavior, RecordedRequest } from './types.js';

/** mgw conversations kept for load_existing (a real server keeps more; a simulator must not grow without bound). */
const MAX_CONVERSATIONS = 1000;

export type GateResult = { ok: true; token: string; behavior: FakeTokenBehavior } | { ok: false; answer: ErrorAnswer };

export class SimState {
  readonly tokens: TokenRegistry;
  readonly assets = new AssetStore();
  readonly requests: RecordedRequest[] = [];
  readonly tokenDelayMs: number;
  readonly requireStatsig: boolean;
  /** One controller per open stream; close() aborts them all. */
  readonly streams = new Set<AbortController>();
  readonly maxRecorded: number;
  /** Open mgw chat sockets (the no-leak tests count them). */
  readonly mgwSockets = new Set<{ terminate(): void }>();
  /** mgw conversations: id → the account (token) that owns it and its last response id. */
  readonly conversations = new Map<string, { token: string; lastResponseId: string | undefined }>();
  /** Remembers a conversation; the oldest are forgotten past MAX_CONVERSATIONS (long benchmark runs). */
  rememberConversation(id: string, c: { token: string; lastResponseId: string | undefined }): void {
    this.conversations.delete(id);
    this.conversations.set(id, c);
    if (this.conversations.size > MAX_CONVERSATIONS) {
      const oldest = this.conversations.keys().next();
      if (oldest.done !== true) this.conversations.delete(oldest.value);
    }
  }

  /** Base URL of the assets origin, set once it listens (Imagine puts absolute image URLs in frames). */
  assetsUrl = '';

  constructor(opts: FakeGrokOptions) {
    this.tokens = new TokenRegistry(opts.tokens, opts.acceptAnyToken ?? false, opts.defaultQuota);
    this.maxRecorded = Math.max(1, opts.maxRecordedRequests ?? 10_000);
    this.tokenDelayMs = opts.tokenDelayMs ?? 0;
    this.requireStatsig = opts.requireStatsig ?? true;
  }

  record(req: IncomingMessage, body: Buffer | null, origin: 'app' | 'assets'): void {
    this.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: copyHeaders(req),
      body: body === null ? undefined : decodeBody(body),
      token: ssoToken(req.headers),
      at: Date.now(),
      origin,
    });
  }

  /** Appends to the live `requests` array, dropping the oldest tenth when over the cap (long benchmark runs). */
  push(r: RecordedRequest): void {
    this.requests.push(r);
    if (this.requests.length > this.maxRecorded) {
      this.requests.splice(0, this.requests.length - this.maxRecorded + Math.ceil(this.maxRecorded / 10));
    }
  }

  /**
   * The grok.com gate: x-statsig-id (REST only; Cloudflare sits in front, so it is checked
   * first), then the SSO cookie, then the token's scripted status.
   */
  gate(req: IncomingMessage, o: { statsig: boolean; route?: string }): GateResult {
    if (o.statsig && this.requireStatsig && !statsigOk(req.headers)) return { ok: false, answer: cloudflareChallenge() };
    const auth = checkSso(req.headers, (t) => this.tokens.isKnown(t));
    if (!auth.ok) return { ok: false, answer: sessionNotFound() };
    const behavior = this.tokens.behavior(auth.token);
    // A rate-limited account can still read its (empty) windows, as on the real site.
    const quotaRead = o.route === 'rate-limits' && behavior.status === 429;
    if (behavior.status !== undefined && behavior.status !== 200 && !quotaRead) {
      return { ok: false, answer: errorFor(behavior.status, behavior.variant) };
    }
    return { ok: true, token: auth.token, behavior };
  }
}
